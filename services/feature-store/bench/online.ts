import Table from 'cli-table3';
import { callUnary } from '@scale-models/grpc';
import { onlineKeyOf } from '../src/adapters/online-store.ts';
import { ENTITIES, REFS, startBenchStore } from './setup.ts';
import { ms, runLoad } from './load.ts';

const TOTAL = 4000;

/** get-online-features for 1 and 100 entities × 10 features: HTTP, gRPC and raw Redis MGET. */
export async function benchOnline(): Promise<void> {
  const store = await startBenchStore();
  const table = new Table({
    head: ['online lookup', 'concurrency', 'ops/s', 'p50 ms', 'p99 ms', 'vs raw Redis p99'],
  });
  for (const entities of [1, 100]) {
    const ids = () => Array.from({ length: entities }, () => Math.floor(Math.random() * ENTITIES));
    const raw = async () =>
      store.h.redis.redis.mget(ids().map((id) => onlineKeyOf('bench', String(id))));
    const http = async () => {
      const response = await fetch(`${store.base}/v1/get-online-features`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: REFS, entities: { user_id: ids() } }),
      });
      await response.arrayBuffer();
    };
    const grpc = () =>
      callUnary(store.online, 'GetOnlineFeatures', {
        features: REFS,
        entities: { user_id: { values: ids().map(String) } },
      });
    for (const concurrency of [1, 16]) {
      const rawResult = await runLoad(concurrency, TOTAL, raw);
      for (const [name, fn] of [
        ['raw Redis MGET', raw],
        ['HTTP', http],
        ['gRPC', grpc],
      ] as const) {
        const result =
          name === 'raw Redis MGET' ? rawResult : await runLoad(concurrency, TOTAL, fn);
        table.push([
          `${entities} × 10, ${name}`,
          concurrency,
          Math.round(result.opsPerSecond),
          ms(result.p50),
          ms(result.p99),
          `${(result.p99 / rawResult.p99).toFixed(1)}×`,
        ]);
      }
    }
  }
  console.log(table.toString());
  store.online.close();
  store.inference.close();
  await store.close();
}
