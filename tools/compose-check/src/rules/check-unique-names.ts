import type { Problem } from '../problem.ts';
import type { ServiceEntry } from './service-entries.ts';

/** Service names are unique across included files: compose refuses to merge a clash. */
export function checkUniqueNames(services: readonly ServiceEntry[]): Problem[] {
  const first = new Map<string, ServiceEntry>();
  return services.flatMap((entry): Problem[] => {
    const earlier = first.get(entry.name);
    if (!earlier) {
      first.set(entry.name, entry);
      return [];
    }
    return [
      {
        file: entry.file,
        path: `services.${entry.name}`,
        message: `service name is already defined in ${earlier.file}`,
      },
    ];
  });
}
