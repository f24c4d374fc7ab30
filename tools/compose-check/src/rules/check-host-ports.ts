import type { Problem } from '../problem.ts';
import { hostPorts } from './host-ports.ts';
import type { ServiceEntry } from './service-entries.ts';

/**
 * No two services, in any file of the project, publish the same host port: every miniature
 * runs beside the others and beside the infrastructure. The host IP is ignored on purpose:
 * binding one port on two addresses is legal but would only confuse a demo.
 */
export function checkHostPorts(services: readonly ServiceEntry[]): Problem[] {
  const owners = new Map<string, { entry: ServiceEntry; path: string }>();
  return services.flatMap((entry) =>
    hostPorts(entry.spec.ports, `services.${entry.name}.ports`).flatMap(
      ({ port, protocol, path }): Problem[] => {
        const key = `${port}/${protocol}`;
        const owner = owners.get(key);
        if (!owner) {
          owners.set(key, { entry, path });
          return [];
        }
        return [
          {
            file: entry.file,
            path,
            message: `host port ${key} is already published by ${owner.path} (${owner.entry.file})`,
          },
        ];
      },
    ),
  );
}
