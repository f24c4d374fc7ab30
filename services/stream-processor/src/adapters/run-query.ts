import { join } from 'node:path';
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
import { InputError } from '@scale-models/errors';
import { createIdlePartitions } from '../domain/idle-partitions.ts';
import type { IdlePartitions } from '../domain/idle-partitions.ts';
import { stageCount, stagePlan, tableSources } from '../domain/stages.ts';
import { startIdleAnnouncer } from './announce-idle-partitions.ts';
import { commitEachChunk } from './commit-each-chunk.ts';
import { copartitionedAssigner } from './copartitioned-assigner.ts';
import {
  DEFAULT_REPARTITION_PURGE_INTERVAL_MS,
  startRepartitionPurger,
} from './purge-repartition-topic.ts';
import { createQueryTasks } from './query-tasks.ts';
import type { QueryTasks } from './query-tasks.ts';
import type { RestoreReport } from './restore-task-state.ts';
import { stageTopics } from './topics.ts';
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
  /**
   * How often consumed records of the repartition topics are deleted (Kafka Streams'
   * `repartition.purge.interval.ms`). Default 30 s.
   */
  repartitionPurgeIntervalMs?: number;
  now?: () => number;
  onRestore?: (report: RestoreReport) => void;
}

export interface RunningQuery {
  /** The tasks of the last stage (the only one unless the plan repartitions). */
  tasks: QueryTasks;
  stop(): Promise<void>;
}

/**
 * Deploys a query on Kafka: one task per input partition, scaled out by starting more
 * processes with the same group id (partitions and, through the changelog, state move).
 * A plan with repartition steps runs as stages, each its own consume-transform-produce loop
 * (group `<groupId>-stage-<k>`): stage k writes stage k+1's repartition topic in the same
 * transactions that commit its input offsets, so every stage is exactly-once on its own.
 * Beside each stage run its housekeepers: one announces the stage's quiet input partitions to
 * the next stage, one purges the repartition topic the stage has consumed.
 */
export async function runQuery(options: RunQueryOptions): Promise<RunningQuery> {
  const { kafka, inputTopic, topics } = options;
  const partitions = await partitionCount(kafka, inputTopic);
  const stages = Array.from({ length: stageCount(options.plan) }, (_, k) => stageTopics(topics, k));
  const tables = tableSources(options.plan).map(({ topic }) => topic);
  for (const table of tables) await checkCopartitioned(kafka, table, partitions);
  await ensureTopics(kafka, [
    ...tables.map((table) => ({ topic: `${table}.dlq`, partitions })),
    { topic: topics.results, partitions },
    { topic: topics.late, partitions },
    { topic: `${inputTopic}.dlq`, partitions },
    ...stages.flatMap(({ repartition, changelog }, k) => [
      ...(k > 0 ? [{ topic: repartition, partitions }] : []),
      // Compacted: only the latest value of each state key is needed to restore.
      { topic: changelog, partitions, config: { 'cleanup.policy': 'compact' } },
    ]),
  ]);
  const running = await Promise.all(
    stages.map(async ({ repartition, changelog }, k) => {
      const next = stages[k + 1];
      const stage: RunQueryOptions = {
        ...options,
        plan: stagePlan(options.plan, k, partitions),
        inputTopic: k === 0 ? inputTopic : repartition,
        topics: { ...topics, changelog },
        stateDir: k === 0 ? options.stateDir : join(options.stateDir, `stage-${k}`),
        groupId: k === 0 ? options.groupId : `${options.groupId}-stage-${k}`,
      };
      const inputs = [stage.inputTopic, ...tableSources(stage.plan).map(({ topic }) => topic)];
      const nextTopic = next && { topic: next.repartition, partitions };
      // Only a stage that feeds another announces quiet partitions, so only it tracks them.
      const inputActivity = nextTopic && createIdlePartitions(options.plan.watermark.idleTimeoutMs);
      const tasks = createQueryTasks({
        ...stage,
        skipApplied: options.mode === 'exactly-once',
        stage: { readsRepartitioned: k > 0, next: nextTopic },
        inputActivity,
      });
      const housekeepers = await startHousekeepers(options, {
        announce: nextTopic && inputActivity && { partitions: inputActivity, next: nextTopic },
        purge: k > 0 ? { topic: repartition, groupId: stage.groupId } : undefined,
      });
      const stop =
        options.mode === 'exactly-once'
          ? await runTransactional(stage, tasks, inputs)
          : await runAtLeastOnce(stage, tasks, inputs);
      return { tasks, stop, housekeepers };
    }),
  );
  return {
    tasks: running.at(-1)!.tasks,
    async stop() {
      for (const { tasks, stop, housekeepers } of running) {
        for (const stopHousekeeper of housekeepers) await stopHousekeeper();
        await stop();
        await tasks.closeAll();
      }
    },
  };
}

/**
 * What runs beside a stage's loop: the announcer of its quiet input partitions when it feeds
 * another stage, the purger of the repartition topic it reads when it reads one.
 */
async function startHousekeepers(
  options: RunQueryOptions,
  stage: {
    announce:
      { partitions: IdlePartitions; next: { topic: string; partitions: number } } | undefined;
    purge: { topic: string; groupId: string } | undefined;
  },
): Promise<(() => Promise<void>)[]> {
  const { kafka } = options;
  const stops: (() => Promise<void>)[] = [];
  if (stage.announce !== undefined) {
    const { idleTimeoutMs } = options.plan.watermark;
    stops.push(
      await startIdleAnnouncer({ kafka, ...stage.announce, idleTimeoutMs, now: options.now }),
    );
  }
  if (stage.purge !== undefined) {
    const intervalMs = options.repartitionPurgeIntervalMs ?? DEFAULT_REPARTITION_PURGE_INTERVAL_MS;
    stops.push(await startRepartitionPurger({ kafka, ...stage.purge, intervalMs }));
  }
  return stops;
}

async function runTransactional(options: RunQueryOptions, tasks: QueryTasks, inputs: string[]) {
  const pipeline = await runExactlyOncePipeline({
    kafka: options.kafka,
    groupId: options.groupId,
    inputTopics: inputs,
    partitionAssigners: [copartitionedAssigner],
    // One transactional id per task, not per topic-partition: a new owner fences the
    // predecessor on the stream and the table topic before it restores the task's state.
    copartitioned: true,
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
async function runAtLeastOnce(options: RunQueryOptions, tasks: QueryTasks, inputs: string[]) {
  const { kafka, inputTopic } = options;
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: 1_000,
    partitionAssigners: [copartitionedAssigner],
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    tasks.onAssignment(payload.memberAssignment, inputTopic),
  );
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: inputs, fromBeginning: true });
  const size = options.maxMessagesPerTransaction ?? 500;
  const stopRestarting = await keepConsumerRunning(consumer, {
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: commitEachChunk(consumer, size, async (batch, chunk) => {
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
    }),
  });
  return async () => {
    stopRestarting();
    await consumer.disconnect();
    await producer.disconnect();
  };
}

/** Partition p of a table's topic joins partition p of the stream: the counts must match. */
async function checkCopartitioned(kafka: Kafka, table: string, partitions: number) {
  const count = await partitionCount(kafka, table).catch(() => 0);
  if (count !== partitions) {
    throw new InputError(
      'table.not_copartitioned',
      `table topic ${table} has ${count} partitions, the stream ${partitions}: they must match`,
    );
  }
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
