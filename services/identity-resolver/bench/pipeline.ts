// End-to-end pipeline on the shared infrastructure (source /work/main/.infra/env first):
//   node bench/pipeline.ts [--people 1000] [--partitions 6]
// 1. ingestion: Segment batches over HTTP → Kafka → resolver → PostgreSQL + Redis, events/s;
// 2. resolution latency: one identify at a time, from POST to the new trait visible in Redis;
// 3. profile lookup by identifier straight from Redis (the Lua script) under 32 concurrent
//    callers: the floor under the HTTP lookup, which bench/lookup.ts measures from another process.
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { createHarness, WRITE_KEY } from '../test/support/harness.ts';
import { countEvents } from '../test/support/summarise-profiles.ts';
import { syntheticJourneys } from '../test/support/synthetic-journeys.ts';
import { percentile } from './percentile.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000' },
    // Event partitions, all applied in parallel by the one resolver (the service's defaults).
    partitions: { type: 'string', default: '6' },
  },
});
const people = Number(values.people);
const harness = await createHarness({
  LOG_LEVEL: 'error',
  EVENT_PARTITIONS: values.partitions,
  RESOLVER_CONCURRENCY: values.partitions,
});
const base = await harness.app.listen({ port: 0, host: '127.0.0.1' });
await harness.startResolver();
const authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const table = new Table({
  style: { head: [], border: [] },
  head: ['workload', 'operations', 'throughput', 'p50', 'p99', 'target'],
});
const ms = (value: number) => `${value.toFixed(2)} ms`;

// 1. Ingestion end to end.
const calls = syntheticJourneys(people).map(
  ({ source: _source, receivedAt: _receivedAt, ...call }) => call,
);
const started = performance.now();
for (let i = 0; i < calls.length; i += 100) {
  const response = await post('/v1/batch', { batch: calls.slice(i, i + 100) });
  if (!response.ok) throw new Error(`batch refused: ${response.status}`);
}
const accepted = performance.now();
while ((await countEvents(harness.stores.pool)) < calls.length)
  await new Promise((r) => setTimeout(r, 20));
const applied = performance.now();
table.push([
  `ingest ${calls.length} calls (HTTP accept)`,
  calls.length,
  `${Math.round(calls.length / ((accepted - started) / 1000))} calls/s`,
  '',
  '',
  '',
]);
table.push([
  `ingest → profiles (end to end)`,
  calls.length,
  `${Math.round(calls.length / ((applied - started) / 1000))} events/s`,
  '',
  '',
  'seed: 100k events/s on a cluster',
]);

// 2. Resolution latency: event accepted → profile updated in Redis.
const latencies: number[] = [];
for (let i = 0; i < 200; i++) {
  const userId = `customer-${i % people}`;
  const sent = performance.now();
  await post('/v1/identify', { userId, traits: { tick: i } });
  for (;;) {
    const view = await harness.stores.cache.lookup('user_id', userId);
    if ((view?.traits.tick?.value as number | undefined) === i) break;
    await new Promise((r) => setImmediate(r));
  }
  latencies.push(performance.now() - sent);
}
table.push([
  'resolution latency (POST → Redis view)',
  latencies.length,
  '',
  ms(percentile(latencies, 50)),
  ms(percentile(latencies, 99)),
  'seed: < 100 ms',
]);

// 3. Lookups straight from Redis (the Lua lookup script), without HTTP and auth.
const total = 20_000;
let next = 0;
const direct: number[] = [];
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < total) {
      const p = next++ % people;
      const t = performance.now();
      await harness.stores.cache.lookupJson('email', `customer.${p}@example.com`);
      direct.push(performance.now() - t);
    }
  }),
);
table.push([
  'profile lookup, Redis script, 32 clients',
  total,
  '',
  ms(percentile(direct, 50)),
  ms(percentile(direct, 99)),
  'seed: < 10 ms',
]);

console.log(table.toString());
console.log(
  `rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB (API, resolver and load generator in one process)`,
);
await harness.close();
process.exit(0);
