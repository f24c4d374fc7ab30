import type { Problem } from '../problem.ts';
import type { ServiceEntry } from './service-entries.ts';
import { dependencies, hasHealthcheck } from './service-entries.ts';

/**
 * Every long-running service has a health check, so `up --wait` and `service_healthy` gates
 * mean something. One-shot jobs (a `service_completed_successfully` target) are exempt: they
 * exit before a health check would ever run.
 */
export function checkHealthchecks(services: readonly ServiceEntry[]): Problem[] {
  const jobs = new Set(
    services.flatMap((entry) =>
      dependencies(entry)
        .filter((dependency) => dependency.condition === 'service_completed_successfully')
        .map((dependency) => dependency.target),
    ),
  );
  return services
    .filter((entry) => !jobs.has(entry.name) && !hasHealthcheck(entry))
    .map((entry) => ({
      file: entry.file,
      path: `services.${entry.name}`,
      message: 'has no healthcheck with a test (every long-running service needs one)',
    }));
}
