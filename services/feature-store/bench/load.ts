/** Latency percentiles and throughput of `fn` run `total` times by `concurrency` callers. */
export async function runLoad(
  concurrency: number,
  total: number,
  fn: () => Promise<unknown>,
): Promise<{ opsPerSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const t = performance.now();
        await fn();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { opsPerSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

export const ms = (value: number) => value.toFixed(2);
