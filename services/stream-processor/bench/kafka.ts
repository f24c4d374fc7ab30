// Through Kafka on this machine: Nexmark events preloaded into a one-partition topic, then
// consumed, processed and produced by a query task, exactly-once (transactions) and
// at-least-once, beside the raw kafkajs consume-produce rate in the same run as the ceiling.
// Throughput counts from the first input decoded to the last.
// `node bench/kafka.ts` with KAFKA_BROKERS set (BENCH_EVENTS to change the size, BENCH_QUERIES
// to pick queries, BENCH_PURGE_MS for how often repartition topics are purged).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, ensureTopics, runExactlyOncePipeline } from '@scale-models/kafka';
import Table from 'cli-table3';
import type { Kafka } from 'kafkajs';
import { nexmarkTopicSpecs, produceNexmark } from '../src/adapters/nexmark-producer.ts';
import { runQuery } from '../src/adapters/run-query.ts';
import type { DeliveryMode } from '../src/adapters/run-query.ts';
import { queryTopics, stageTopics } from '../src/adapters/topics.ts';
import { stageCount } from '../src/domain/stages.ts';
import { nexmarkCatalog } from '../src/nexmark/catalog.ts';
import { nexmarkQuery } from '../src/nexmark/queries.ts';
import type { NexmarkQuery } from '../src/nexmark/queries.ts';
import { FLINK_PER_CORE } from './peers.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const PURGE_MS = Number(process.env.BENCH_PURGE_MS ?? 30_000);
const run = Date.now().toString(36);
const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'sp-bench',
});
const input = `stream-processor.bench-${run}.event.v1`;
const nexmarkTopics = { events: input, persons: `stream-processor.bench-${run}.person.v1` };
await ensureTopics(kafka, nexmarkTopicSpecs(nexmarkTopics, 1));
await produceNexmark(kafka, {
  topics: nexmarkTopics,
  count: EVENTS,
  rate: 0,
  eventsPerSecond: 10_000,
  baseTime: Date.now(),
});

/**
 * Waits until every input was seen (and `drain`, the later stages of a repartitioned query,
 * finished), then reports events/s between the first input seen and the end.
 */
async function measure(
  start: () => Promise<{ stop(): Promise<void> }>,
  progress: { first: number; last: number; count: number },
  drain?: () => Promise<void>,
) {
  const running = await start();
  while (progress.count < EVENTS) await new Promise((resolve) => setTimeout(resolve, 100));
  if (drain !== undefined) {
    await drain();
    progress.last = Date.now();
  }
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

/** Polls until the group has consumed the topic to its end. */
async function drained(groupId: string, topic: string, transactional: boolean) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    for (;;) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const behind = ends.filter(({ partition, high }) => {
        const committed = offsets?.partitions.find((p) => p.partition === partition)?.offset;
        // In a transactional topic a commit marker follows the last record; no consumer
        // commits past it.
        return Number(committed ?? -1) < Number(high) - (transactional ? 1 : 0);
      });
      if (behind.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await admin.disconnect();
  }
}

async function query(name: NexmarkQuery, mode: DeliveryMode) {
  const plan = nexmarkQuery(name, nexmarkCatalog(nexmarkTopics), {
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
  const groupId = `sp-bench-${name}-${mode}-${run}`;
  const laterStages = Array.from({ length: stageCount(plan) - 1 }, (_, k) => k + 1);
  const perSecond = await measure(
    () =>
      runQuery({
        kafka,
        plan: counted,
        inputTopic: input,
        topics,
        stateDir: mkdtempSync(join(tmpdir(), 'sp-bench-')),
        mode,
        groupId,
        repartitionPurgeIntervalMs: PURGE_MS,
      }),
    progress,
    laterStages.length === 0
      ? undefined
      : async () => {
          // Stage 0 committed its last chunk, so each repartition topic holds all it will.
          await drained(groupId, input, false);
          for (const k of laterStages) {
            const repartition = stageTopics(topics, k).repartition;
            await drained(`${groupId}-stage-${k}`, repartition, mode === 'exactly-once');
          }
        },
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
const KAFKA_QUERIES = (process.env.BENCH_QUERIES ?? 'q0,q2,q4,q5,q7').split(',') as NexmarkQuery[];
for (const name of KAFKA_QUERIES) {
  const eos = await query(name, 'exactly-once');
  const alo = await query(name, 'at-least-once');
  table.push([name, EVENTS, eos.perSecond, alo.perSecond, FLINK_PER_CORE[name] ?? '-']);
}
console.log(
  `through Kafka (one partition, one task; broker on the same 2 cores; purge every ${PURGE_MS} ms)`,
);
console.log(table.toString());
