import type { ServerResponse } from 'node:http';
import Table from 'cli-table3';
import { ENTITIES, REFS, startBenchStore } from './setup.ts';
import { gcColumn, measureServer, ms, percent, startLoadGenerator, WARM_UP } from './load.ts';
import type { LoadTarget } from './load.ts';

const TOTAL = 4000;

/**
 * get-online-features for 1 and 100 entities × 10 features over HTTP and gRPC, next to a raw
 * Redis MGET of the same keys; the load comes from a separate process.
 */
export async function benchOnline(): Promise<void> {
  const store = await startBenchStore();
  const load = startLoadGenerator();
  // Time inside the HTTP server, from a request's headers to its answer handed to the kernel:
  // set against the client's latency it tells a stall in the server from one around it.
  const inServer: number[] = [];
  store.h.app.server.on('request', (_request, response: ServerResponse) => {
    const start = performance.now();
    response.on('finish', () => inServer.push(performance.now() - start));
  });
  const table = new Table({
    head: [
      'online lookup',
      'concurrency',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'vs raw Redis p99',
      'in server p50 / p99 ms',
      'server CPU µs/req',
      'server GC pauses',
      'load gen CPU',
    ],
  });
  const targets: [string, LoadTarget][] = [
    [
      'raw Redis MGET',
      { kind: 'redis-mget', redisUrl: store.h.redisUrl, keyPrefix: store.h.prefix, view: 'bench' },
    ],
    ['HTTP', { kind: 'http-online', base: store.base, features: REFS }],
    ['gRPC', { kind: 'grpc-online', address: store.grpcAddress, features: REFS }],
  ];
  for (const entitiesPerRequest of [1, 100]) {
    for (const concurrency of [1, 16]) {
      let rawP99 = 0;
      for (const [name, target] of targets) {
        inServer.length = 0;
        const { result, cpuMicros, gcPauses } = await measureServer(() =>
          load.run({ target, idRange: ENTITIES, entitiesPerRequest, concurrency, total: TOTAL }),
        );
        if (target.kind === 'redis-mget') rawP99 = result.p99;
        table.push([
          `${entitiesPerRequest} × 10, ${name}`,
          concurrency,
          Math.round(result.opsPerSecond),
          ms(result.p50),
          ms(result.p99),
          `${(result.p99 / rawP99).toFixed(1)}×`,
          target.kind === 'http-online' ? inServerColumn(inServer) : '',
          target.kind === 'redis-mget' ? '' : Math.round(cpuMicros / (TOTAL + WARM_UP)),
          target.kind === 'redis-mget' ? '' : gcColumn(gcPauses),
          percent(result.loadCpu),
        ]);
      }
    }
  }
  console.log(table.toString());
  load.stop();
  await store.close();
}

/** p50 / p99 of the measured run's in-server times (the warm-up's are the first WARM_UP). */
function inServerColumn(times: number[]): string {
  const measured = times.slice(WARM_UP).sort((a, b) => a - b);
  const at = (q: number) => measured[Math.floor(q * (measured.length - 1))]!;
  return `${ms(at(0.5))} / ${ms(at(0.99))}`;
}
