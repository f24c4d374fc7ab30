import { createKafka, ensureTopics, parseCloudEvent, readToEnd } from '@scale-models/kafka';
import { eventually, kafka as kafkaServer, uniqueName } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { expect } from 'vitest';

export async function testKafka(): Promise<{ kafka: Kafka; brokers: string[] }> {
  const { brokers } = await kafkaServer();
  return { kafka: createKafka({ brokers, clientId: uniqueName('sp_test') }), brokers };
}

export async function createInput(kafka: Kafka, partitions: number): Promise<string> {
  const topic = uniqueName('sp_clicks');
  await ensureTopics(kafka, [{ topic, partitions }]);
  return topic;
}

/** Writes `messages` (to the partition each names, else the default partitioner's choice). */
export async function produce(
  kafka: Kafka,
  topic: string,
  messages: { partition?: number; key: string; value: string }[],
): Promise<void> {
  // Idempotent: kafkajs retries a failed produce request whole, partitions the broker already
  // appended included (a topic just created answers NOT_LEADER for a while); a plain producer
  // then writes those partitions twice, and a test's input is no longer what it expects.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // In slices: a request must stay under the broker's message size limit (1 MB).
  for (let first = 0; first < messages.length; first += 2_000) {
    await producer.send({ topic, messages: messages.slice(first, first + 2_000) });
  }
  await producer.disconnect();
}

/**
 * Waits until the group committed every input offset there is. A topic written in
 * transactions (a repartition topic) ends with a commit marker no consumer commits past.
 */
export async function consumedAll(
  kafka: Kafka,
  groupId: string,
  topic: string,
  { transactional = false } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await eventually(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const { partition, high } of ends) {
          const committed = offsets?.partitions.find((p) => p.partition === partition)?.offset;
          expect(Number(committed)).toBeGreaterThanOrEqual(Number(high) - (transactional ? 1 : 0));
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Each partition's earliest offset, in partition order (it moves when records are purged). */
export async function earliestOffsets(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map(({ low }) => Number(low));
  } finally {
    await admin.disconnect();
  }
}

/** The CloudEvents on a topic as a read_committed (or uncommitted) reader sees them. */
export async function readEvents(kafka: Kafka, topic: string, readUncommitted = false) {
  const messages = await readToEnd(kafka, topic, { readUncommitted });
  return messages.map((message) => parseCloudEvent(message.value));
}
