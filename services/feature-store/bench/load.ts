import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

export interface LoadResult {
  opsPerSecond: number;
  p50: number;
  p99: number;
  /** Share of one core the load-generator process used during the run (set by the worker). */
  loadCpu?: number;
}

/** What the load-generator process calls: one request shape against one listening endpoint. */
export type LoadTarget =
  | { kind: 'redis-mget'; redisUrl: string; keyPrefix: string; view: string }
  | { kind: 'http-online'; base: string; features: string[] }
  | { kind: 'grpc-online'; address: string; features: string[] }
  | { kind: 'http-infer'; base: string; model: string }
  | { kind: 'grpc-infer'; address: string; model: string };

export interface LoadJob {
  target: LoadTarget;
  /** Entity ids per request are drawn uniformly from 0..idRange-1. */
  idRange: number;
  entitiesPerRequest: number;
  concurrency: number;
  total: number;
}

/** Latency percentiles and throughput of `fn` run `total` times by `concurrency` callers. */
export async function runLoad(
  concurrency: number,
  total: number,
  fn: () => Promise<unknown>,
): Promise<LoadResult> {
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

/**
 * A load generator in its own Node process (bench/load-worker.ts), so the server's event loop
 * serves only and the client's cost is not counted in the server's latency. Jobs run one at a time.
 */
export function startLoadGenerator() {
  const child: ChildProcess = fork(new URL('./load-worker.ts', import.meta.url).pathname, {
    stdio: 'inherit',
  });
  return {
    run(job: LoadJob): Promise<LoadResult> {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) =>
          reject(new Error(`the load generator exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (message: { result?: LoadResult; error?: string }) => {
          child.off('exit', onExit);
          if (message.result) resolve(message.result);
          else reject(new Error(`load generator: ${message.error}`));
        });
        child.send(job);
      });
    },
    stop() {
      child.kill();
    },
  };
}

/** Requests the load generator sends before each measured run (not measured). */
export const WARM_UP = 200;

export const ms = (value: number) => value.toFixed(2);

export const percent = (share: number | undefined) =>
  share === undefined ? '' : `${Math.round(share * 100)} %`;

export interface ServerCost<T> {
  result: T;
  /** This process's CPU time during the run, all threads (µs). */
  cpuMicros: number;
  /** Garbage-collection pauses during the run: each stops the server's event loop. */
  gcPauses: { count: number; longestMs: number };
}

/**
 * Runs `fn` and reports what this process spent meanwhile. The benchmark process runs only the
 * server, so this is the server's cost of the load, and its GC pauses are the server's stalls.
 */
export async function measureServer<T>(fn: () => Promise<T>): Promise<ServerCost<T>> {
  const pauses: number[] = [];
  const record = (entries: PerformanceEntry[]) => {
    for (const entry of entries) pauses.push(entry.duration);
  };
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const before = process.cpuUsage();
  const result = await fn();
  const cpu = process.cpuUsage(before);
  record(observer.takeRecords());
  observer.disconnect();
  return {
    result,
    cpuMicros: cpu.user + cpu.system,
    gcPauses: { count: pauses.length, longestMs: Math.max(0, ...pauses) },
  };
}

export const gcColumn = ({ count, longestMs }: ServerCost<unknown>['gcPauses']) =>
  count === 0 ? '0' : `${count}, ≤ ${longestMs.toFixed(1)} ms`;
