/** What a workload did: operations, bytes moved, wall time and every operation's latency. */
export interface Measured {
  ops: number;
  bytes: number;
  seconds: number;
  latenciesMs: number[];
}

/**
 * Runs `opsPerClient` operations on every client at once, each client one after another (a
 * closed loop, as N real clients would). `operation` gets a number unique in the run (for
 * keys) and resolves with the bytes it moved.
 */
export async function runClients<Client>(
  clients: readonly Client[],
  opsPerClient: number,
  operation: (client: Client, n: number) => Promise<number>,
): Promise<Measured> {
  const latenciesMs: number[] = [];
  let bytes = 0;
  const start = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < opsPerClient; i += 1) {
        const before = performance.now();
        const moved = await operation(client, c * opsPerClient + i);
        bytes += moved;
        latenciesMs.push(performance.now() - before);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { ops: latenciesMs.length, bytes, seconds, latenciesMs };
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}
