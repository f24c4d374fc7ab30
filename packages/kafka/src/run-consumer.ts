import { Partitioners } from 'kafkajs';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { keepConsumerRunning } from './keep-consumer-running.ts';
import { toConsumedMessage } from './consumed-message.ts';
import type { ConsumedMessage } from './consumed-message.ts';
import { ensureDeadLetterTopics, sendToDeadLetterTopic } from './dead-letter.ts';
import { processWithRetry } from './process-with-retry.ts';
import type { RetryPolicy } from './process-with-retry.ts';

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Throw to retry; throw an InputError (e.g. from `contract.decode`) to dead-letter at once. */
  handle: (message: ConsumedMessage) => Promise<void> | void;
  retry?: RetryPolicy;
  /** Where a group without committed offsets starts; default true, so no event is skipped. */
  fromBeginning?: boolean;
  /** Partitions handled in parallel; each partition stays in order. Default 1. */
  partitionsConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; an idle member notices rebalances at this pace. */
  maxWaitTimeMs?: number;
}

export interface ConsumerHandle {
  /** Finishes the message in flight, commits processed offsets, leaves the group. */
  stop(): Promise<void>;
  /** Partitions this member owns, by topic, as of the last rebalance. */
  assignment(): Record<string, number[]>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 200 };

/**
 * Runs a consumer-group member with at-least-once delivery: a message's offset is committed
 * only after it was handled or dead-lettered, so a crash replays at most the uncommitted tail.
 */
export async function runConsumer(options: ConsumerOptions): Promise<ConsumerHandle> {
  const { kafka, topics, fromBeginning = true } = options;
  await ensureDeadLetterTopics(kafka, topics);
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = createGroupConsumer(options);
  let assignment: Record<string, number[]> = {};
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assignment = payload.memberAssignment;
  });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  const stopRestarting = await keepConsumerRunning(consumer, {
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    // kafkajs resolves an offset only after eachMessage returns, and commits resolved offsets
    // after each batch, on rebalance and on stop: exactly "processed messages only".
    autoCommit: true,
    eachMessage: (payload) => processMessage(options, producer, payload),
  });
  let stopping: Promise<void> | undefined;
  return {
    stop: () => (stopping ??= stopBoth(consumer, producer, stopRestarting)),
    assignment: () => assignment,
  };
}

function createGroupConsumer(options: ConsumerOptions): Consumer {
  return options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
    allowAutoTopicCreation: false,
  });
}

async function processMessage(
  options: ConsumerOptions,
  producer: Producer,
  payload: EachMessagePayload,
): Promise<void> {
  const { topic, partition, message } = payload;
  const consumed = toConsumedMessage(topic, partition, message);
  const outcome = await processWithRetry(
    () => options.handle(consumed),
    options.retry ?? DEFAULT_RETRY,
    () => payload.heartbeat(),
  );
  if (outcome.ok) return;
  // If this send fails, eachMessage throws, the offset stays unresolved and kafkajs
  // restarts the member: the message is retried rather than lost.
  await sendToDeadLetterTopic(producer, {
    topic,
    partition,
    message,
    error: outcome.error,
    attempts: outcome.attempts,
    groupId: options.groupId,
  });
}

async function stopBoth(
  consumer: Consumer,
  producer: Producer,
  stopRestarting: () => void,
): Promise<void> {
  stopRestarting();
  await consumer.disconnect();
  await producer.disconnect();
}
