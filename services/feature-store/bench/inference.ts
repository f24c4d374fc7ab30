import Table from 'cli-table3';
import { writeHeaders } from '../test/support/harness.ts';
import { ENTITIES, REFS, startBenchStore } from './setup.ts';
import { ms, startLoadGenerator } from './load.ts';

const MODEL = {
  kind: 'logistic-regression',
  inputs: REFS,
  weights: REFS.map((_, i) => (i % 2 === 0 ? 1 : -1)),
  bias: 0.1,
  means: REFS.map(() => 0.5),
  scales: REFS.map(() => 0.3),
};

/**
 * KServe V2 REST inference at concurrency 1, 16, 64, dynamic batching off (max batch 1) and on;
 * the load comes from a separate process.
 */
export async function benchInference(): Promise<void> {
  const table = new Table({
    head: [
      'inference (REST, 1 entity/request)',
      'concurrency',
      'req/s',
      'p50 ms',
      'p99 ms',
      'mean batch',
    ],
  });
  const throughput = new Map<string, number>();
  const load = startLoadGenerator();
  for (const [label, maxBatchSize] of [
    ['batching off', 1],
    ['batching on (max 64, 2 ms)', 64],
  ] as const) {
    const store = await startBenchStore({
      batching: { maxBatchSize, maxQueueDelayMs: 2, maxConcurrency: 2 },
    });
    const inject = (method: 'POST' | 'PUT', url: string, payload: object) =>
      store.h.app.inject({ method, url, headers: writeHeaders, payload });
    await inject('POST', '/v1/models', { name: 'bench' });
    await inject('POST', '/v1/models/bench/versions', { artifact: MODEL });
    await inject('PUT', '/v1/models/bench/aliases/champion', { version: 1 });
    for (const concurrency of [1, 16, 64]) {
      const before = store.h.store.modelServer.batchStats('bench') ?? { batches: 0, items: 0 };
      const result = await load.run({
        target: { kind: 'http-infer', base: store.base, model: 'bench' },
        idRange: ENTITIES,
        entitiesPerRequest: 1,
        concurrency,
        total: concurrency === 1 ? 2000 : 6000,
      });
      const after = store.h.store.modelServer.batchStats('bench')!;
      throughput.set(`${label}/${concurrency}`, result.opsPerSecond);
      table.push([
        label,
        concurrency,
        Math.round(result.opsPerSecond),
        ms(result.p50),
        ms(result.p99),
        ((after.items - before.items) / (after.batches - before.batches)).toFixed(1),
      ]);
    }
    await store.close();
  }
  load.stop();
  console.log(table.toString());
  const gain =
    throughput.get('batching on (max 64, 2 ms)/64')! / throughput.get('batching off/64')!;
  console.log(`batching gain at concurrency 64: ${gain.toFixed(2)}× (target ≥ 4×, p99 < 50 ms)`);
}
