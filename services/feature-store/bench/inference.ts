import Table from 'cli-table3';
import { trainMlp } from '../src/domain/mlp.ts';
import { onnxArtifactOf } from '../src/domain/mlp-onnx.ts';
import { authHeaders } from '../test/support/harness.ts';
import { ENTITIES, REFS, startBenchStore } from './setup.ts';
import { gcColumn, measureServer, ms, percent, startLoadGenerator } from './load.ts';
import type { LoadTarget } from './load.ts';

const MODEL = {
  kind: 'logistic-regression',
  inputs: REFS,
  weights: REFS.map((_, i) => (i % 2 === 0 ? 1 : -1)),
  bias: 0.1,
  means: REFS.map(() => 0.5),
  scales: REFS.map(() => 0.3),
};

/**
 * The ONNX model: the MLP the store trains (two ReLU hidden layers of 16 and 8, as for the
 * tour), fitted here on the bench's own feature values, 2,000 entities, with the logistic
 * model's sign pattern as the label. Its arithmetic is ~300 multiply-adds a row: the runtime's
 * per-call fixed cost, not the model's size, is what batching shares.
 */
function mlpArtifact() {
  const rows = Array.from({ length: 2000 }, (_, id) =>
    REFS.map((_, j) => ((id * (j + 1)) % 97) / 97),
  );
  const labels = rows.map((row) =>
    row.reduce((sum, v, j) => sum + (j % 2 === 0 ? v : -v), 0.1) > 0 ? 1 : 0,
  );
  return onnxArtifactOf(trainMlp(REFS, rows, labels, { epochs: 100 }));
}

const MODELS = [
  ['logistic (TS)', 'bench', () => MODEL],
  ['mlp 10-16-8-1 (ONNX)', 'bench-mlp', mlpArtifact],
] as const;

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
      'model',
      'inference (1 entity/request)',
      'batching',
      'concurrency',
      'req/s',
      'p50 ms',
      'p99 ms',
      'mean batch',
      'server CPU µs/req',
      'server GC pauses',
      'load gen CPU',
    ],
  });
  const throughput = new Map<string, number>();
  const p99 = new Map<string, number>();
  // MODELS=onnx or MODELS=logistic runs one model only.
  const selected = MODELS.filter(([label]) =>
    label.toLowerCase().includes((process.env.MODELS ?? '').toLowerCase()),
  );
  const load = startLoadGenerator();
  for (const [label, maxBatchSize] of BATCHING) {
    const store = await startBenchStore({
      batching: { maxBatchSize, maxQueueDelayMs: 2, maxConcurrency: 2 },
    });
    const inject = (method: 'POST' | 'PUT', url: string, payload: object) =>
      store.h.app.inject({ method, url, headers: authHeaders, payload });
    for (const [modelLabel, model, artifact] of selected) {
      await inject('POST', '/v1/models', { name: model });
      await inject('POST', `/v1/models/${model}/versions`, { artifact: artifact() });
      await inject('PUT', `/v1/models/${model}/aliases/champion`, { version: 1 });
      const targets: [string, LoadTarget][] = [
        ['REST', { kind: 'http-infer', base: store.base, model }],
        ['gRPC', { kind: 'grpc-infer', address: store.grpcAddress, model }],
      ];
      for (const [transport, target] of targets) {
        for (const concurrency of [1, 16, 64]) {
          const before = store.h.store.modelServer.batchStats(model) ?? { batches: 0, items: 0 };
          const { result, cpuMicros, gcPauses } = await measureServer(() =>
            load.run({
              target,
              idRange: ENTITIES,
              entitiesPerRequest: 1,
              concurrency,
              total: concurrency === 1 ? 2000 : 8000,
            }),
          );
          const after = store.h.store.modelServer.batchStats(model)!;
          const requests = after.items - before.items;
          throughput.set(
            `${model}/${transport}/${maxBatchSize}/${concurrency}`,
            result.opsPerSecond,
          );
          p99.set(`${model}/${transport}/${maxBatchSize}/${concurrency}`, result.p99);
          table.push([
            modelLabel,
            transport,
            label,
            concurrency,
            Math.round(result.opsPerSecond),
            ms(result.p50),
            ms(result.p99),
            (requests / (after.batches - before.batches)).toFixed(1),
            Math.round(cpuMicros / requests),
            gcColumn(gcPauses),
            percent(result.loadCpu),
          ]);
        }
      }
    }
    await store.close();
  }
  load.stop();
  console.log(table.toString());
  for (const [modelLabel, model] of selected) {
    for (const transport of ['REST', 'gRPC']) {
      const key = `${model}/${transport}`;
      const gain = throughput.get(`${key}/64/64`)! / throughput.get(`${key}/1/64`)!;
      console.log(
        `${modelLabel}, ${transport}: batching gain at concurrency 64: ${gain.toFixed(2)}×, p99 ${ms(p99.get(`${key}/64/64`)!)} ms (target ≥ 4×, p99 < 50 ms)`,
      );
    }
  }
}
