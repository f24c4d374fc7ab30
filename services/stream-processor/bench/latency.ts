// End-to-end latency through Kafka: clicks produced at a steady rate with their event time set
// to the moment they are created, a deployed SQL query, and a read_committed reader of its
// result topic that notes when each result becomes visible. A filter's result is late by
// (visible − event time); a 1 s tumbling window's final result by (visible − window_end), the
// earliest moment it could be final. Exactly-once (a transaction per chunk) and at-least-once.
// `node bench/latency.ts` with KAFKA_BROKERS set (LATENCY_RATES, LATENCY_SECONDS to change).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, ensureTopics, parseCloudEvent } from '@scale-models/kafka';
import Table from 'cli-table3';
import { runQuery } from '../src/adapters/run-query.ts';
import type { DeliveryMode } from '../src/adapters/run-query.ts';
import { queryTopics } from '../src/adapters/topics.ts';
import { planQuery } from '../src/sql/plan-query.ts';
import { serviceCatalog } from '../src/streams.ts';

const RATES = (process.env.LATENCY_RATES ?? '100,1000,5000').split(',').map(Number);
const SECONDS = Number(process.env.LATENCY_SECONDS ?? 8);
const WARMUP_MS = 2_000;
const TICK_MS = 10;
const run = Date.now().toString(36);
const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'sp-bench-latency',
});

const QUERIES = {
  filter: {
    sql: 'SELECT user, page, amount, ts FROM clicks WHERE amount > 0',
    reference: (row: Record<string, number>) => row.ts!,
  },
  'tumble 1 s (EMIT FINAL)': {
    sql: `SELECT user, COUNT(*) AS clicks, window_end FROM clicks
          GROUP BY user, TUMBLE(ts, INTERVAL '1' SECOND) EMIT FINAL`,
    reference: (row: Record<string, number>) => row.window_end!,
  },
};
type QueryName = keyof typeof QUERIES;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Produces `rate` clicks/s for `ms`, in small batches every TICK_MS, event time = now. */
async function produceSteadily(topic: string, rate: number, ms: number) {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < ms) {
    const due = Math.floor(((Date.now() - started) * rate) / 1000) - sent;
    if (due > 0) {
      const ts = Date.now();
      const messages = Array.from({ length: due }, (_, i) => {
        const user = `u${(sent + i) % 50}`;
        return {
          key: user,
          value: JSON.stringify({ user, page: '/', country: 'NL', amount: 1, ts }),
        };
      });
      await producer.send({ topic, acks: -1, messages });
      sent += due;
    }
    await sleep(TICK_MS);
  }
  await producer.disconnect();
  return sent;
}

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
  const latencies: number[] = [];
  const measureFrom = Date.now() + WARMUP_MS;
  const reader = kafka.consumer({ groupId: `sp-latency-reader-${id}`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topics: [topics.results], fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      const visible = Date.now();
      for (const message of batch.messages) {
        const row = parseCloudEvent(message.value).data as Record<string, number>;
        const reference = QUERIES[name].reference(row);
        if (reference >= measureFrom) latencies.push(visible - reference);
      }
      return Promise.resolve();
    },
  });
  await produceSteadily(input, rate, WARMUP_MS + SECONDS * 1000);
  await sleep(2_000);
  await reader.disconnect();
  await running.stop();
  return percentiles(latencies);
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99) };
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
