import {
  ensureTopics,
  keepConsumerRunning,
  runExactlyOncePipeline,
  toConsumedMessage,
} from '@scale-models/kafka';
import type { OutputMessage } from '@scale-models/kafka';
import { Partitioners } from 'kafkajs';
import type { Kafka, RecordMetadata } from 'kafkajs';
import type { QueryPlan } from '../domain/query-plan.ts';
import { createQueryTasks } from './query-tasks.ts';
import type { QueryTasks } from './query-tasks.ts';
import type { RestoreReport } from './restore-task-state.ts';
import type { QueryTopics } from './topics.ts';

export type DeliveryMode = 'exactly-once' | 'at-least-once';

export interface RunQueryOptions {
  kafka: Kafka;
  plan: QueryPlan;
  inputTopic: string;
  topics: QueryTopics;
  stateDir: string;
  mode: DeliveryMode;
  /** Kept across restarts: the group's offsets and the transactional ids hang on it. */
  groupId: string;
  maxMessagesPerTransaction?: number;
  now?: () => number;
  onRestore?: (report: RestoreReport) => void;
}

export interface RunningQuery {
  tasks: QueryTasks;
  stop(): Promise<void>;
}

/**
 * Deploys a query on Kafka: one task per input partition, scaled out by starting more
 * processes with the same group id (partitions and, through the changelog, state move).
 */
export async function runQuery(options: RunQueryOptions): Promise<RunningQuery> {
  const { kafka, inputTopic, topics } = options;
  const partitions = await partitionCount(kafka, inputTopic);
  await ensureTopics(kafka, [
    { topic: topics.results, partitions },
    { topic: topics.late, partitions },
    { topic: `${inputTopic}.dlq`, partitions },
    // Compacted: only the latest value of each state key is needed to restore.
    { topic: topics.changelog, partitions, config: { 'cleanup.policy': 'compact' } },
  ]);
  const tasks = createQueryTasks(options);
  const stopRunner =
    options.mode === 'exactly-once'
      ? await runTransactional(options, tasks)
      : await runAtLeastOnce(options, tasks);
  return {
    tasks,
    async stop() {
      await stopRunner();
      await tasks.closeAll();
    },
  };
}

async function runTransactional(options: RunQueryOptions, tasks: QueryTasks) {
  const pipeline = await runExactlyOncePipeline({
    kafka: options.kafka,
    groupId: options.groupId,
    inputTopics: [options.inputTopic],
    transactionalIdPrefix: options.groupId,
    maxMessagesPerTransaction: options.maxMessagesPerTransaction ?? 500,
    sendPerChunk: true,
    transform: tasks.transform,
    flushChunk: tasks.flushChunk,
    onChunkEnd: tasks.onChunkEnd,
    onAssignment: (assignment) => tasks.onAssignment(assignment, options.inputTopic),
  });
  return () => pipeline.stop();
}

/**
 * For comparison: outputs and changelog are sent, then offsets committed, with no transaction.
 * A crash between the two replays inputs into state that already counted them.
 */
async function runAtLeastOnce(options: RunQueryOptions, tasks: QueryTasks) {
  const { kafka, inputTopic } = options;
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 1_000 });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    tasks.onAssignment(payload.memberAssignment, inputTopic),
  );
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [inputTopic], fromBeginning: true });
  const size = options.maxMessagesPerTransaction ?? 500;
  const stopRestarting = await keepConsumerRunning(consumer, {
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!payload.isRunning() || payload.isStale()) return;
        const chunk = batch.messages.slice(start, start + size);
        const outputs: OutputMessage[] = [];
        let written: RecordMetadata[] = [];
        for (const message of chunk) {
          outputs.push(
            ...(await tasks.transform(toConsumedMessage(batch.topic, batch.partition, message))),
          );
        }
        outputs.push(...(await tasks.flushChunk(batch.topic, batch.partition)));
        if (outputs.length > 0) {
          written = await producer.sendBatch({
            topicMessages: outputs.map(({ topic, ...message }) => ({ topic, messages: [message] })),
            acks: -1,
          });
        }
        await tasks.onChunkEnd(batch.topic, batch.partition, true, written);
        const last = chunk.at(-1)!.offset;
        payload.resolveOffset(last);
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last) + 1n).toString(),
          },
        ]);
        await payload.heartbeat();
      }
    },
  });
  return async () => {
    stopRestarting();
    await consumer.disconnect();
    await producer.disconnect();
  };
}

async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.length;
  } finally {
    await admin.disconnect();
  }
}
