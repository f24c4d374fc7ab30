import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { ConflictError } from '@scale-models/errors';
import { eventually, uniqueName } from '@scale-models/testkit';
import { DEAD_LETTER_HEADERS, deadLetterTopicOf, runConsumer } from '../src/index.ts';
import { committedOffsets, createTopic, readTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

describe('dead-letter topic', () => {
  it('receives a poison message after exactly N attempts, and later messages still flow', async () => {
    const topic = await createTopic(kafka, 'dlq_source', 1);
    const groupId = uniqueName('dlq_group');
    // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
    // partition the broker had already appended twice (NOT_LEADER on a topic just created).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      messages: ['m1', 'poison', 'm2', 'm3'].map((value) => ({
        key: `key-${value}`,
        value,
        headers: { 'x-origin': 'test' },
      })),
    });
    await producer.disconnect();

    const attempts = new Map<string, number>();
    const handled: string[] = [];
    const consumer = await runConsumer({
      kafka,
      groupId,
      topics: [topic],
      retry: { attempts: 4, backoffMs: 5 },
      handle: ({ value }) => {
        const text = value!.toString();
        attempts.set(text, (attempts.get(text) ?? 0) + 1);
        if (text === 'poison') throw new ConflictError('stock.exhausted', 'no stock left');
        handled.push(text);
      },
    });
    try {
      await eventually(() => expect(handled).toEqual(['m1', 'm2', 'm3']), { timeoutMs: 20_000 });
      expect(attempts.get('poison')).toBe(4);
      expect(attempts.get('m2')).toBe(1);

      const dead = await readTopic(kafka, deadLetterTopicOf(topic));
      expect(dead).toHaveLength(1);
      expect(dead[0]?.key).toBe('key-poison');
      expect(dead[0]?.value?.toString()).toBe('poison');
      expect(dead[0]?.headers).toMatchObject({
        'x-origin': 'test',
        [DEAD_LETTER_HEADERS.errorMessage]: 'no stock left',
        [DEAD_LETTER_HEADERS.errorCode]: 'stock.exhausted',
        [DEAD_LETTER_HEADERS.errorName]: 'ConflictError',
        [DEAD_LETTER_HEADERS.attempts]: '4',
        [DEAD_LETTER_HEADERS.topic]: topic,
        [DEAD_LETTER_HEADERS.partition]: '0',
        [DEAD_LETTER_HEADERS.offset]: '1',
        [DEAD_LETTER_HEADERS.groupId]: groupId,
      });
    } finally {
      await consumer.stop();
    }
    // The dead-lettered message counts as processed: its offset is committed with the rest.
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(4n);
  });
});
