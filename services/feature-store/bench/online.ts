import Table from 'cli-table3';
import { ENTITIES, REFS, startBenchStore } from './setup.ts';
import { ms, percent, serverCpu, startLoadGenerator, WARM_UP } from './load.ts';
import type { LoadTarget } from './load.ts';

const TOTAL = 4000;

/**
 * get-online-features for 1 and 100 entities × 10 features over HTTP and gRPC, next to a raw
 * Redis MGET of the same keys; the load comes from a separate process.
 */
export async function benchOnline(): Promise<void> {
  const store = await startBenchStore();
  const load = startLoadGenerator();
  const table = new Table({
    head: [
      'online lookup',
      'concurrency',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'vs raw Redis p99',
      'server CPU µs/req',
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
        const { result, cpuMicros } = await serverCpu(() =>
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
          target.kind === 'redis-mget' ? '' : Math.round(cpuMicros / (TOTAL + WARM_UP)),
          percent(result.loadCpu),
        ]);
      }
    }
  }
  console.log(table.toString());
  load.stop();
  await store.close();
}
