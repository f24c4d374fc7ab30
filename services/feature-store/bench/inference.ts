import Table from 'cli-table3';
import { authHeaders } from '../test/support/harness.ts';
import { ENTITIES, REFS, startBenchStore } from './setup.ts';
import { ms, percent, serverCpu, startLoadGenerator } from './load.ts';
import type { LoadTarget } from './load.ts';

const MODEL = {
  kind: 'logistic-regression',
  inputs: REFS,
  weights: REFS.map((_, i) => (i % 2 === 0 ? 1 : -1)),
  bias: 0.1,
  means: REFS.map(() => 0.5),
  scales: REFS.map(() => 0.3),
};

const BATCHING = [
  ['off (max batch 1)', 1],
  ['on (max 64, 2 ms)', 64],
] as const;

/**
 * KServe V2 inference over REST and gRPC at concurrency 1, 16, 64, dynamic batching off (max
 * batch 1) and on; the load comes from a separate process. Server CPU per request is the
 * benchmark process's CPU time (it runs only the server) divided by the requests answered.
 */
export async function benchInference(): Promise<void> {
  const table = new Table({
    head: [
      'inference (1 entity/request)',
      'batching',
      'concurrency',
      'req/s',
      'p50 ms',
      'p99 ms',
      'mean batch',
      'server CPU µs/req',
      'load gen CPU',
    ],
  });
  const throughput = new Map<string, number>();
  const load = startLoadGenerator();
  for (const [label, maxBatchSize] of BATCHING) {
    const store = await startBenchStore({
      batching: { maxBatchSize, maxQueueDelayMs: 2, maxConcurrency: 2 },
    });
    const inject = (method: 'POST' | 'PUT', url: string, payload: object) =>
      store.h.app.inject({ method, url, headers: authHeaders, payload });
    await inject('POST', '/v1/models', { name: 'bench' });
    await inject('POST', '/v1/models/bench/versions', { artifact: MODEL });
    await inject('PUT', '/v1/models/bench/aliases/champion', { version: 1 });
    const targets: [string, LoadTarget][] = [
      ['REST', { kind: 'http-infer', base: store.base, model: 'bench' }],
      ['gRPC', { kind: 'grpc-infer', address: store.grpcAddress, model: 'bench' }],
    ];
    for (const [transport, target] of targets) {
      for (const concurrency of [1, 16, 64]) {
        const before = store.h.store.modelServer.batchStats('bench') ?? { batches: 0, items: 0 };
        const { result, cpuMicros } = await serverCpu(() =>
          load.run({
            target,
            idRange: ENTITIES,
            entitiesPerRequest: 1,
            concurrency,
            total: concurrency === 1 ? 2000 : 8000,
          }),
        );
        const after = store.h.store.modelServer.batchStats('bench')!;
        const requests = after.items - before.items;
        throughput.set(`${transport}/${maxBatchSize}/${concurrency}`, result.opsPerSecond);
        table.push([
          transport,
          label,
          concurrency,
          Math.round(result.opsPerSecond),
          ms(result.p50),
          ms(result.p99),
          (requests / (after.batches - before.batches)).toFixed(1),
          Math.round(cpuMicros / requests),
          percent(result.loadCpu),
        ]);
      }
    }
    await store.close();
  }
  load.stop();
  console.log(table.toString());
  for (const transport of ['REST', 'gRPC']) {
    const gain = throughput.get(`${transport}/64/64`)! / throughput.get(`${transport}/1/64`)!;
    console.log(
      `${transport}: batching gain at concurrency 64: ${gain.toFixed(2)}× (target ≥ 4×, p99 < 50 ms)`,
    );
  }
}
