import { isRecord } from '../load-project.ts';
import type { Problem } from '../problem.ts';
import type { ServiceEntry } from './service-entries.ts';

/** Every service has a memory limit, so one runaway miniature cannot starve the laptop. */
export function checkMemoryLimits(services: readonly ServiceEntry[]): Problem[] {
  return services
    .filter((entry) => !hasMemoryLimit(entry.spec))
    .map((entry) => ({
      file: entry.file,
      path: `services.${entry.name}`,
      message: 'has no memory limit (set mem_limit or deploy.resources.limits.memory)',
    }));
}

function hasMemoryLimit(spec: Record<string, unknown>): boolean {
  if (spec.mem_limit !== undefined && spec.mem_limit !== null) return true;
  const deploy = spec.deploy;
  const resources = isRecord(deploy) ? deploy.resources : undefined;
  const limits = isRecord(resources) ? resources.limits : undefined;
  return isRecord(limits) && limits.memory !== undefined && limits.memory !== null;
}
