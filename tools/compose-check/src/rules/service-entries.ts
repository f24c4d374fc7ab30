import type { ComposeFile } from '../load-project.ts';
import { isRecord } from '../load-project.ts';

/** A service definition and the file that defines it. */
export interface ServiceEntry {
  file: string;
  name: string;
  spec: Record<string, unknown>;
}

export function serviceEntries(files: readonly ComposeFile[]): ServiceEntry[] {
  return files.flatMap(({ file, document }) => {
    const services = document.services;
    if (!isRecord(services)) return [];
    return Object.entries(services).flatMap(([name, spec]) =>
      isRecord(spec) ? [{ file, name, spec }] : [],
    );
  });
}

export interface Dependency {
  target: string;
  condition: string;
  /** Path of the entry, for problems. */
  path: string;
}

/** `depends_on` in either form: a list of names, or a map of name to `{ condition }`. */
export function dependencies(entry: ServiceEntry): Dependency[] {
  const dependsOn = entry.spec.depends_on;
  const base = `services.${entry.name}.depends_on`;
  if (Array.isArray(dependsOn)) {
    return dependsOn.flatMap((target: unknown, i) =>
      typeof target === 'string'
        ? [{ target, condition: 'service_started', path: `${base}.${i}` }]
        : [],
    );
  }
  if (!isRecord(dependsOn)) return [];
  return Object.entries(dependsOn).map(([target, options]) => ({
    target,
    condition:
      isRecord(options) && typeof options.condition === 'string'
        ? options.condition
        : 'service_started',
    path: `${base}.${target}`,
  }));
}

/** A health check that really runs: present, not disabled, with a test other than NONE. */
export function hasHealthcheck(entry: ServiceEntry): boolean {
  const healthcheck = entry.spec.healthcheck;
  if (!isRecord(healthcheck) || healthcheck.disable === true) return false;
  const test: unknown = healthcheck.test;
  if (typeof test === 'string') return test.trim() !== '' && test !== 'NONE';
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}
