import { join } from 'node:path';
import {
  DEAD_LETTER_HEADERS,
  createCloudEvent,
  deadLetterTopicOf,
  serializeCloudEvent,
} from '@scale-models/kafka';
import type { ConsumedMessage, OutputMessage } from '@scale-models/kafka';
import type { Kafka, RecordMetadata } from 'kafkajs';
import { InputError } from '@scale-models/errors';
import type { QueryPlan } from '../domain/query-plan.ts';
import type { IdlePartitions } from '../domain/idle-partitions.ts';
import { tableSources } from '../domain/stages.ts';
import { createTask } from '../domain/task.ts';
import type { Task, TaskOutput } from '../domain/task.ts';
import type { StateCheckpoint } from '../domain/restore-plan.ts';
import { openTaskState } from './lmdb-state.ts';
import {
  readRepartitioned,
  repartitionedRecord,
  watermarkMessages,
} from './repartition-messages.ts';
import type { Repartitioned } from './repartition-messages.ts';
import type { TaskState } from './lmdb-state.ts';
import { restoreTaskState } from './restore-task-state.ts';
import type { RestoreReport } from './restore-task-state.ts';
import type { QueryTopics } from './topics.ts';

export interface QueryTasksOptions {
  kafka: Kafka;
  plan: QueryPlan;
  topics: QueryTopics;
  /** Local folder for the LMDB files of this process's tasks. */
  stateDir: string;
  groupId: string;
  now?: () => number;
  /**
   * Exactly-once: each task keeps the next input offset in its state, committed with it, and
   * skips inputs its state already holds. kafkajs fetches a group's offsets without KIP-447's
   * "stable" flag, so right after a rebalance or restart they may lag the last transaction.
   */
  skipApplied?: boolean;
  /** Set when the plan is cut into stages by repartitions (see `stagePlan`). */
  stage?: StageWiring;
  /** Told how each task's state was restored (tail only, or rebuilt and why). */
  onRestore?: (report: RestoreReport) => void;
  /** Told of each input read and each assignment, so quiet partitions can be announced. */
  inputActivity?: IdlePartitions;
}

/** Where one stage of a repartitioned plan reads and writes. */
export interface StageWiring {
  /** Stages after the first read a repartition topic, not the query's input. */
  readsRepartitioned: boolean;
  /** All stages but the last send their records to the next stage's repartition topic. */
  next?: { topic: string; partitions: number };
}

interface RunningTask {
  task: Task;
  state: TaskState;
  generation: string;
}

/**
 * The tasks of one query in this process, one per input partition, in the shape both runners
 * (exactly-once and at-least-once) drive: transform each input, flush a chunk's state changes
 * to the changelog, then commit or roll back local state as Kafka did.
 */
export function createQueryTasks(options: QueryTasksOptions) {
  const { kafka, plan, topics } = options;
  const now = options.now ?? Date.now;
  const tasks = new Map<number, Promise<RunningTask>>();
  let restoredRecords = 0;

  // Local state is reused only by the same query, group and changelog partition.
  const generationOf = (partition: number) =>
    [options.groupId, topics.changelog, partition, plan.name, plan.columns.join(',')].join('/');

  const start = async (partition: number): Promise<RunningTask> => {
    const state = openTaskState(join(options.stateDir, `${plan.name}-${partition}`));
    const generation = generationOf(partition);
    const report = await restoreTaskState(kafka, topics.changelog, partition, state, generation)
      // The next chunk tries again; the files stay, with the checkpoint of what was applied.
      .catch(async (error: unknown) => {
        await state.close();
        throw error;
      });
    restoredRecords += report.records;
    options.onRestore?.(report);
    return { task: createTask(plan, state.store), state, generation };
  };

  /** Where the chunk's changelog records landed, so the local state knows what it reflects. */
  const checkpointAfter = (
    running: RunningTask,
    partition: number,
    written: RecordMetadata[],
  ): StateCheckpoint | null | undefined => {
    const changes = running.state.pending().length;
    if (changes === 0) return undefined;
    const landed = written.find(
      (meta) => meta.topicName === topics.changelog && meta.partition === partition,
    );
    // Unknown position: drop the checkpoint, so the next start rebuilds rather than guesses.
    if (landed?.baseOffset === undefined) return null;
    const next = BigInt(landed.baseOffset) + BigInt(changes);
    return { generation: running.generation, changelogOffset: next.toString(), writtenAt: now() };
  };

  const taskOf = (partition: number) => {
    let running = tasks.get(partition);
    if (running === undefined) {
      running = start(partition);
      tasks.set(partition, running);
      running.catch(() => tasks.delete(partition));
    }
    return running;
  };

  const { next } = options.stage ?? {};
  const tables = new Map(tableSources(plan).map((table) => [table.topic, table]));
  const toMessages = (outputs: TaskOutput[], partition: number): OutputMessage[] =>
    outputs.map((output) => {
      if (next !== undefined && output.kind === 'result') {
        return repartitionedRecord(next.topic, partition, output.record);
      }
      const key = plan.resultKey(output.record);
      const isLate = output.kind === 'late';
      const event = createCloudEvent({
        // Deterministic ids: a reader of an at-least-once run can drop repeats.
        id: `${plan.name}:${isLate ? 'late' : 'result'}:${key}`,
        type: `scale-models.stream-processor.${plan.name}.${isLate ? 'late' : 'result'}.v1`,
        source: `/stream-processor/${plan.name}`,
        subject: output.record.key,
        time: new Date(Math.min(output.record.time, 8.64e15)),
        data: isLate
          ? { row: output.record.row, time: output.record.time, reason: output.reason }
          : output.record.row,
      });
      return {
        topic: isLate ? topics.late : topics.results,
        key: output.record.key,
        value: serializeCloudEvent(event),
      };
    });

  const deadLetter = (message: ConsumedMessage, error: InputError): OutputMessage => ({
    topic: deadLetterTopicOf(message.topic),
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.errorMessage]: error.message,
      [DEAD_LETTER_HEADERS.errorCode]: error.code,
      [DEAD_LETTER_HEADERS.errorName]: error.name,
      [DEAD_LETTER_HEADERS.attempts]: '1',
      [DEAD_LETTER_HEADERS.topic]: message.topic,
      [DEAD_LETTER_HEADERS.partition]: String(message.partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.groupId]: options.groupId,
      [DEAD_LETTER_HEADERS.failedAt]: new Date(now()).toISOString(),
    },
  });

  /** Whether the task's state already holds this input; records it as held. */
  const alreadyApplied = (state: TaskState, message: ConsumedMessage): boolean => {
    const key = `task|next-offset|${message.topic}`;
    const next = state.store.get(key) as string | undefined;
    if (next !== undefined && BigInt(message.offset) < BigInt(next)) return true;
    state.store.put(key, (BigInt(message.offset) + 1n).toString());
    return false;
  };

  const fromUpstream = (task: Task, input: Repartitioned): TaskOutput[] => {
    switch (input.kind) {
      case 'record':
        return task.process(input.source, input.record, now());
      case 'watermark':
        return task.observe(input.source, input.watermark, now());
      case 'idle':
        return task.idle(input.source, now());
    }
  };

  return {
    transform: async (message: ConsumedMessage): Promise<OutputMessage[]> => {
      // Heard before the task is restored: a slow restore is no quiet partition.
      if (!tables.has(message.topic)) options.inputActivity?.heard(message.partition, now());
      const { task, state } = await taskOf(message.partition);
      if (options.skipApplied === true && alreadyApplied(state, message)) return [];
      const table = tables.get(message.topic);
      if (table !== undefined) {
        try {
          return toMessages(
            task.update(table.decode(message.value, message.key), now()),
            message.partition,
          );
        } catch (error) {
          if (error instanceof InputError) return [deadLetter(message, error)];
          throw error;
        }
      }
      if (options.stage?.readsRepartitioned === true) {
        const input = readRepartitioned(message.key, message.value);
        return toMessages(fromUpstream(task, input), message.partition);
      }
      let record;
      try {
        record = plan.decode(message.value, message.key);
      } catch (error) {
        // Poison goes to the dead-letter topic inside the same transaction; the query runs on.
        if (error instanceof InputError) return [deadLetter(message, error)];
        throw error;
      }
      if (record === null) return [];
      return toMessages(
        task.process(`${message.topic}/${message.partition}`, record, now()),
        message.partition,
      );
    },
    flushChunk: async (_topic: string, partition: number): Promise<OutputMessage[]> => {
      const { task, state } = await taskOf(partition);
      const changes = state.pending().map(([key, value]) => ({
        topic: topics.changelog,
        partition,
        key,
        value: value === undefined ? null : JSON.stringify(value),
      }));
      if (next === undefined) return changes;
      // After the chunk's records, so a downstream task never sees a watermark pass them.
      const watermark = watermarkMessages(
        next.topic,
        next.partitions,
        partition,
        task.outputWatermark(),
      );
      return [...changes, ...watermark];
    },
    onChunkEnd: async (
      _topic: string,
      partition: number,
      committed: boolean,
      written: RecordMetadata[],
    ): Promise<void> => {
      const running = await tasks.get(partition)?.catch(() => undefined);
      if (running === undefined) return;
      if (committed) return running.state.commit(checkpointAfter(running, partition, written));
      // A failed commit may still have committed on the broker (the answer was lost). The next
      // chunk restores the task from its checkpoint instead: the changelog tail holds the
      // chunk's changes exactly if Kafka committed them.
      running.state.rollback();
      tasks.delete(partition);
      await running.state.close();
    },
    /** Partitions that moved away take their state with them; it is rebuilt if they return. */
    onAssignment: (assignment: Record<string, number[]>, inputTopic: string) => {
      options.inputActivity?.assigned(assignment[inputTopic] ?? [], now());
      const owned = new Set(assignment[inputTopic] ?? []);
      for (const [partition, running] of tasks) {
        if (owned.has(partition)) continue;
        tasks.delete(partition);
        void running.then(({ state }) => state.close()).catch(() => undefined);
      }
    },
    closeAll: async () => {
      const running = [...tasks.values()];
      tasks.clear();
      await Promise.all(
        running.map(async (task) => (await task.catch(() => undefined))?.state.close()),
      );
    },
    /** Changelog records applied while restoring, since this process started. */
    restoredRecords: () => restoredRecords,
  };
}

export type QueryTasks = ReturnType<typeof createQueryTasks>;
