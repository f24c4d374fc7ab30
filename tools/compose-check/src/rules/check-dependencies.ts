import type { Problem } from '../problem.ts';
import type { ServiceEntry } from './service-entries.ts';
import { dependencies, hasHealthcheck } from './service-entries.ts';

/**
 * `depends_on` targets exist somewhere in the project (an included file counts), and a
 * `service_healthy` target has a health check, or compose would wait for it forever.
 */
export function checkDependencies(services: readonly ServiceEntry[]): Problem[] {
  const byName = new Map(services.map((entry) => [entry.name, entry]));
  return services.flatMap((entry) =>
    dependencies(entry).flatMap((dependency): Problem[] => {
      const target = byName.get(dependency.target);
      if (!target) {
        return [
          {
            file: entry.file,
            path: dependency.path,
            message: `depends on "${dependency.target}", which no compose file of the project defines`,
          },
        ];
      }
      if (dependency.condition === 'service_healthy' && !hasHealthcheck(target)) {
        return [
          {
            file: entry.file,
            path: dependency.path,
            message: `waits for "${dependency.target}" to be healthy, but it has no healthcheck (${target.file})`,
          },
        ];
      }
      return [];
    }),
  );
}
