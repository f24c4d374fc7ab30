// End-to-end latency through Kafka: clicks produced at a steady rate with their event time set
// to the moment they are created, a deployed SQL query, and a read_committed reader of its
// result topic that notes when each result becomes visible (producer and reader in a forked
// process, bench/latency-load.ts; the query in this one). A filter's result is late by
// (visible − event time); a 1 s tumbling window's final result by (visible − window_end), the
// earliest moment it could be final. Exactly-once (a transaction per chunk) and at-least-once.
// `node bench/latency.ts` with KAFKA_BROKERS set (LATENCY_RATES, LATENCY_SECONDS to change).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createKafka, ensureTopics } from '@scale-models/kafka';
import Table from 'cli-table3';
import { runQuery } from '../src/adapters/run-query.ts';
import type { DeliveryMode } from '../src/adapters/run-query.ts';
import { queryTopics } from '../src/adapters/topics.ts';
import { planQuery } from '../src/sql/plan-query.ts';
import { serviceCatalog } from '../src/streams.ts';
import type { LoadSpec } from './latency-load.ts';

const RATES = (process.env.LATENCY_RATES ?? '100,1000,5000').split(',').map(Number);
const SECONDS = Number(process.env.LATENCY_SECONDS ?? 8);
const WARMUP_MS = 2_000;
const run = Date.now().toString(36);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = createKafka({ brokers: BROKERS, clientId: 'sp-bench-latency' });

const QUERIES = {
  filter: {
    sql: 'SELECT user, page, amount, ts FROM clicks WHERE amount > 0',
    reference: 'ts',
  },
  'tumble 1 s (EMIT FINAL)': {
    sql: `SELECT user, COUNT(*) AS clicks, window_end FROM clicks
          GROUP BY user, TUMBLE(ts, INTERVAL '1' SECOND) EMIT FINAL`,
    reference: 'window_end',
  },
};
type QueryName = keyof typeof QUERIES;

/** Deploys the query in this process and drives it from a forked load process. */
async function measure(name: QueryName, mode: DeliveryMode, rate: number) {
  const id = `${run}-${Object.keys(QUERIES).indexOf(name)}-${mode}-${rate}`;
  const input = `stream-processor.bench-latency-${id}.click.v1`;
  await ensureTopics(kafka, [{ topic: input, partitions: 1 }]);
  const { plan } = planQuery(QUERIES[name].sql, serviceCatalog({ clicks: input }), {
    allowedLatenessMs: 0,
    outOfOrdernessMs: 0,
    idleTimeoutMs: 60_000,
  });
  const topics = queryTopics(`bench-latency-${id}`);
  const running = await runQuery({
    kafka,
    plan: { ...plan, name: `latency-${id}` },
    inputTopic: input,
    topics,
    stateDir: mkdtempSync(join(tmpdir(), 'sp-latency-')),
    mode,
    groupId: `sp-bench-latency-${id}`,
  });
  const spec: LoadSpec = {
    brokers: BROKERS,
    input,
    results: topics.results,
    rate,
    warmupMs: WARMUP_MS,
    measureMs: SECONDS * 1000,
    reference: QUERIES[name].reference,
  };
  const load = fork(fileURLToPath(new URL('latency-load.ts', import.meta.url)), [
    JSON.stringify(spec),
  ]);
  const [result] = (await once(load, 'message')) as [{ count: number; p50: number; p99: number }];
  await once(load, 'exit');
  await running.stop();
  return result;
}

const table = new Table({
  head: ['query', 'input events/s', 'mode', 'results measured', 'p50 ms', 'p99 ms'],
});
for (const name of Object.keys(QUERIES) as QueryName[]) {
  for (const rate of RATES) {
    for (const mode of ['exactly-once', 'at-least-once'] as DeliveryMode[]) {
      const result = await measure(name, mode, rate);
      table.push([name, rate, mode, result.count, result.p50, result.p99]);
    }
  }
}
console.log(`end-to-end latency to a read_committed reader (one partition, ${SECONDS} s per row)`);
console.log(table.toString());
