import { beforeAll, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { readToEnd } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

it('reads only the tail beyond startOffsets, and nothing when a partition starts at its end', async () => {
  const topic = await createTopic(kafka, 'tail', 2);
  // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
  // partition the broker had already appended twice (NOT_LEADER on a topic just created).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 10 }, (_, n) => ({ partition: n % 2, value: String(n) })),
  });
  await producer.disconnect();

  const tail = await readToEnd(kafka, topic, { startOffsets: { 0: '3', 1: '5' } });
  // Partition 0 holds 0, 2, 4, 6, 8 at offsets 0-4: from offset 3, two remain; partition 1 is done.
  expect(tail.map((message) => message.value?.toString())).toEqual(['6', '8']);
  expect(await readToEnd(kafka, topic, { startOffsets: { 0: '5', 1: '5' } })).toEqual([]);
  expect(await readToEnd(kafka, topic, { partitions: [1], startOffsets: { 0: '5' } })).toHaveLength(
    5,
  );
});
