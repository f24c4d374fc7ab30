import { isRecord } from '../load-project.ts';

/** One host port a service publishes. */
export interface HostPort {
  port: number;
  protocol: string;
  /** Path of the `ports` entry, for problems. */
  path: string;
}

/**
 * The host ports of a `ports:` list, in both syntaxes: short (`"8080:80"`,
 * `"127.0.0.1:8000-8001:80-81/udp"`, `"[::1]:53:53"`) and long (`{ published, target }`).
 * Entries without a host port (`"80"`: Docker picks one) and ones using variables publish no
 * fixed port and are skipped.
 */
export function hostPorts(ports: unknown, basePath: string): HostPort[] {
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((entry: unknown, i): HostPort[] => {
    const path = `${basePath}.${i}`;
    if (typeof entry === 'string') return fromShortSyntax(entry, path);
    if (!isRecord(entry)) return [];
    const protocol = typeof entry.protocol === 'string' ? entry.protocol : 'tcp';
    const published = entry.published;
    if (typeof published !== 'string' && typeof published !== 'number') return [];
    return expandRange(String(published)).map((port) => ({ port, protocol, path }));
  });
}

function fromShortSyntax(entry: string, path: string): HostPort[] {
  const [mapping = '', protocol = 'tcp'] = entry.split('/');
  // Drop a bracketed IPv6 host address, then an IPv4 one: what stays is [host:]container.
  const withoutIp = mapping.replace(/^\[[^\]]*\]:/, '').replace(/^\d+\.\d+\.\d+\.\d+:/, '');
  const parts = withoutIp.split(':');
  if (parts.length < 2) return [];
  return expandRange(parts[0] ?? '').map((port) => ({ port, protocol, path }));
}

function expandRange(spec: string): number[] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(spec.trim());
  if (!match) return [];
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  const ports: number[] = [];
  for (let port = from; port <= to; port += 1) ports.push(port);
  return ports;
}
