import type {
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  PartitionAssigner,
  RecordMetadata,
} from 'kafkajs';
import { toConsumedMessage } from './consumed-message.ts';
import { keepConsumerRunning } from './keep-consumer-running.ts';
import type { ConsumedMessage } from './consumed-message.ts';
import {
  createTransactionalProducerPool,
  taskPerPartition,
  taskPerTopicPartition,
} from './transactional-producer-pool.ts';
import type { TransactionalProducerPool } from './transactional-producer-pool.ts';

export interface OutputMessage {
  topic: string;
  /** Default: chosen from the key. A changelog names the partition of its input. */
  partition?: number;
  key?: string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export interface PipelineOptions {
  kafka: Kafka;
  groupId: string;
  inputTopics: string[];
  /**
   * Each task gets the transactional id `<prefix>-<topic>-<partition>`, or `<prefix>-task-<p>`
   * when the inputs are co-partitioned.
   */
  transactionalIdPrefix: string;
  /**
   * Partition p of every input topic is one task (a stream and the table it joins): one
   * transactional id for all of them, so a new owner's InitProducerId fences the predecessor
   * on every topic of the task before any of it is read. Default false: a task per
   * topic-partition. The task's batches never overlap: kafkajs hands this pipeline one batch at
   * a time (partitionsConsumedConcurrently 1).
   */
  copartitioned?: boolean;
  /** Pure function of the input: it may run again for a message whose transaction aborted. */
  transform: (message: ConsumedMessage) => OutputMessage[] | Promise<OutputMessage[]>;
  /**
   * Called once per chunk after its messages, inside its transaction: what it returns commits
   * atomically with the chunk (a stateful transform's changelog writes, written once per chunk).
   */
  flushChunk?: (topic: string, partition: number) => OutputMessage[] | Promise<OutputMessage[]>;
  /**
   * Told whether the chunk's transaction committed, so in-memory state can follow (or roll back),
   * and, when it did, where its outputs landed (a base offset per topic-partition written), so
   * a local store can remember which changelog offset it reflects.
   */
  onChunkEnd?: (
    topic: string,
    partition: number,
    committed: boolean,
    written: RecordMetadata[],
  ) => void | Promise<void>;
  /** Told the partitions this member owns after each rebalance. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
  /**
   * Send a chunk's outputs in one request at its end instead of after each input: a round trip
   * per input caps throughput at the broker's latency (transactional producers keep one request
   * in flight). Default false.
   */
  sendPerChunk?: boolean;
  /** Inputs per transaction; smaller means less redone work after a crash. Default 100. */
  maxMessagesPerTransaction?: number;
  fromBeginning?: boolean;
  /** How the group spreads partitions over members; default kafkajs' round robin. */
  partitionAssigners?: PartitionAssigner[];
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxWaitTimeMs?: number;
}

export interface PipelineHandle {
  /** Finishes the transaction in flight, leaves the group, closes the producers. */
  stop(): Promise<void>;
}

/**
 * Consume-transform-produce with exactly-once effect on Kafka: the outputs of a chunk of input
 * and the input offsets commit in one transaction, so readers with read_committed see each
 * output once even when a member dies mid-chunk.
 */
export async function runExactlyOncePipeline(options: PipelineOptions): Promise<PipelineHandle> {
  const { kafka, groupId, inputTopics, fromBeginning = true } = options;
  const producers = createTransactionalProducerPool(
    kafka,
    options.transactionalIdPrefix,
    options.copartitioned === true ? taskPerPartition : taskPerTopicPartition,
  );
  const consumer = kafka.consumer({
    groupId,
    // Outputs of aborted upstream transactions must never become inputs here.
    readUncommitted: false,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
    allowAutoTopicCreation: false,
    ...(options.partitionAssigners && { partitionAssigners: options.partitionAssigners }),
  });
  const { onAssignment } = options;
  if (onAssignment !== undefined) {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      onAssignment(payload.memberAssignment),
    );
  }
  await consumer.connect();
  await consumer.subscribe({ topics: inputTopics, fromBeginning });
  const stopRestarting = await keepConsumerRunning(consumer, {
    // Offsets are committed only inside transactions (sendOffsets), never by the consumer.
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: (payload) => processBatch(options, producers, payload),
  });
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopRestarting();
    await consumer.disconnect();
    await producers.closeAll();
  };
  return { stop: () => (stopping ??= stop()) };
}

async function processBatch(
  options: PipelineOptions,
  producers: TransactionalProducerPool,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const size = options.maxMessagesPerTransaction ?? 100;
  // Opening this task's producer (InitProducerId) fences a predecessor and lets its last
  // transaction finish before `transform` reads anything that transaction wrote.
  await producers.get(batch.topic, batch.partition);
  for (let start = 0; start < batch.messages.length; start += size) {
    if (!payload.isRunning() || payload.isStale()) return;
    const chunk = batch.messages.slice(start, start + size);
    await commitChunk(options, producers, batch.topic, batch.partition, chunk);
    // Only now may the fetch position move on; after a failure kafkajs re-fetches from the
    // last resolved offset, which is the last committed one.
    payload.resolveOffset(chunk.at(-1)!.offset);
    await payload.heartbeat();
  }
}

async function commitChunk(
  options: PipelineOptions,
  producers: TransactionalProducerPool,
  topic: string,
  partition: number,
  chunk: KafkaMessage[],
): Promise<void> {
  const producer = await producers.get(topic, partition);
  const transaction = await producer.transaction();
  const written: RecordMetadata[] = [];
  try {
    const pending: OutputMessage[] = [];
    const send = async (outputs: OutputMessage[]) => {
      if (options.sendPerChunk === true) pending.push(...outputs);
      else if (outputs.length > 0) {
        written.push(
          ...(await transaction.sendBatch({ topicMessages: byTopic(outputs), acks: -1 })),
        );
      }
    };
    for (const message of chunk) {
      await send(await options.transform(toConsumedMessage(topic, partition, message)));
    }
    await send((await options.flushChunk?.(topic, partition)) ?? []);
    if (pending.length > 0)
      written.push(...(await transaction.sendBatch({ topicMessages: byTopic(pending), acks: -1 })));
    const next = (BigInt(chunk.at(-1)!.offset) + 1n).toString();
    await transaction.sendOffsets({
      consumerGroupId: options.groupId,
      topics: [{ topic, partitions: [{ partition, offset: next }] }],
    });
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    // A fenced or broken producer cannot be reused; the next chunk starts a fresh one.
    await producers.discard(topic, partition);
    await options.onChunkEnd?.(topic, partition, false, []);
    throw error;
  }
  await options.onChunkEnd?.(topic, partition, true, written);
}

function byTopic(
  outputs: OutputMessage[],
): { topic: string; messages: Omit<OutputMessage, 'topic'>[] }[] {
  const grouped = new Map<string, Omit<OutputMessage, 'topic'>[]>();
  for (const { topic, ...message } of outputs) {
    const messages = grouped.get(topic) ?? [];
    messages.push(message);
    grouped.set(topic, messages);
  }
  return [...grouped].map(([topic, messages]) => ({ topic, messages }));
}
