// Through Kafka on this machine: Nexmark events preloaded into a one-partition topic, then
// consumed, processed and produced by a query task, exactly-once (transactions) and
// at-least-once, beside the raw kafkajs consume-produce rate in the same run as the ceiling.
// Throughput counts from the first input decoded to the last.
// `node bench/kafka.ts` with KAFKA_BROKERS set (BENCH_EVENTS to change the size).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, ensureTopics, runExactlyOncePipeline } from '@scale-models/kafka';
import Table from 'cli-table3';
import type { Kafka } from 'kafkajs';
import { produceNexmark } from '../src/adapters/nexmark-producer.ts';
import { runQuery } from '../src/adapters/run-query.ts';
import type { DeliveryMode } from '../src/adapters/run-query.ts';
import { queryTopics } from '../src/adapters/topics.ts';
import { nexmarkCatalog } from '../src/nexmark/catalog.ts';
import { nexmarkQuery } from '../src/nexmark/queries.ts';
import type { NexmarkQuery } from '../src/nexmark/queries.ts';
import { FLINK_PER_CORE } from './peers.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const run = Date.now().toString(36);
const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'sp-bench',
});
const input = `stream-processor.bench-${run}.event.v1`;
await ensureTopics(kafka, [{ topic: input, partitions: 1 }]);
await produceNexmark(kafka, {
  topic: input,
  count: EVENTS,
  rate: 0,
  eventsPerSecond: 10_000,
  baseTime: Date.now(),
});

/** Waits for `done()`, then reports events/s between the first and last input seen. */
async function measure(
  start: () => Promise<{ stop(): Promise<void> }>,
  progress: { first: number; last: number; count: number },
) {
  const running = await start();
  while (progress.count < EVENTS) await new Promise((resolve) => setTimeout(resolve, 100));
  await running.stop();
  return Math.round((EVENTS * 1000) / Math.max(1, progress.last - progress.first));
}

function counter() {
  const progress = { first: 0, last: 0, count: 0 };
  const tick = () => {
    const now = Date.now();
    if (progress.count === 0) progress.first = now;
    progress.count += 1;
    progress.last = now;
  };
  return { progress, tick };
}

async function rawCeiling(kafka: Kafka, transactional: boolean) {
  const output = `${input}.raw-${transactional ? 'eos' : 'alo'}`;
  await ensureTopics(kafka, [{ topic: output, partitions: 1 }]);
  const { progress, tick } = counter();
  const groupId = `sp-bench-raw-${transactional}-${run}`;
  const perSecond = await measure(async () => {
    if (transactional) {
      return runExactlyOncePipeline({
        kafka,
        groupId,
        inputTopics: [input],
        transactionalIdPrefix: groupId,
        maxMessagesPerTransaction: 500,
        sendPerChunk: true,
        transform: (message) => {
          tick();
          return [{ topic: output, key: message.key, value: message.value }];
        },
      });
    }
    const consumer = kafka.consumer({ groupId });
    const producer = kafka.producer({ idempotent: true });
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topics: [input], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        batch.messages.forEach(() => tick());
        await producer.send({
          topic: output,
          acks: -1,
          messages: batch.messages.map(({ key, value }) => ({ key, value })),
        });
      },
    });
    return {
      stop: async () => void (await Promise.all([consumer.disconnect(), producer.disconnect()])),
    };
  }, progress);
  return perSecond;
}

async function query(name: NexmarkQuery, mode: DeliveryMode) {
  const plan = nexmarkQuery(name, nexmarkCatalog(input), {
    allowedLatenessMs: 0,
    outOfOrdernessMs: 0,
    idleTimeoutMs: 60_000,
  });
  const { progress, tick } = counter();
  const counted = {
    ...plan,
    decode: (value: Buffer | null, key: string | null) => (tick(), plan.decode(value, key)),
  };
  const topics = queryTopics(`bench-${name}-${mode}-${run}`);
  const perSecond = await measure(
    () =>
      runQuery({
        kafka,
        plan: counted,
        inputTopic: input,
        topics,
        stateDir: mkdtempSync(join(tmpdir(), 'sp-bench-')),
        mode,
        groupId: `sp-bench-${name}-${mode}-${run}`,
      }),
    progress,
  );
  return { perSecond };
}

const table = new Table({
  head: [
    'workload',
    'events',
    'exactly-once events/s',
    'at-least-once events/s',
    'Flink 1.13 per core',
  ],
});
table.push([
  'raw kafkajs consume→produce (ceiling)',
  EVENTS,
  await rawCeiling(kafka, true),
  await rawCeiling(kafka, false),
  '-',
]);
for (const name of ['q0', 'q2', 'q5', 'q7'] as NexmarkQuery[]) {
  const eos = await query(name, 'exactly-once');
  const alo = await query(name, 'at-least-once');
  table.push([name, EVENTS, eos.perSecond, alo.perSecond, FLINK_PER_CORE[name] ?? '-']);
}
console.log(`through Kafka (one partition, one task; broker on the same 2 cores)`);
console.log(table.toString());
