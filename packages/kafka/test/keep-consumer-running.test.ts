import { KafkaJSNonRetriableError } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { beforeAll, expect, it } from 'vitest';
import { keepConsumerRunning } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

it('runs a consumer again after kafkajs gave up on it (a crash it would not restart)', async () => {
  const topic = await createTopic(kafka, 'keep_running', 1);
  // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
  // partition the broker had already appended twice (NOT_LEADER on a topic just created).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'only' }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueName('keep_running'), maxWaitTimeInMs: 100 });
  const crashes: boolean[] = [];
  consumer.on(consumer.events.CRASH, ({ payload }) => void crashes.push(payload.restart));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: string[] = [];
  const stop = await keepConsumerRunning(
    consumer,
    {
      eachMessage: ({ message }) => {
        // As a long broker outage ends: in an error kafkajs deems final.
        if (crashes.length === 0) throw new KafkaJSNonRetriableError('no group coordinator');
        seen.push(String(message.value));
        return Promise.resolve();
      },
    },
    100,
  );
  try {
    await eventually(() => expect(seen).toEqual(['only']), { timeoutMs: 30_000 });
    expect(crashes).toEqual([false]);
  } finally {
    stop();
    await consumer.disconnect();
  }
});
