import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { createProducer, defineEventContract, runConsumer } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

const KEYS = 24;
const PER_KEY = 25;

describe('order per key', () => {
  it('consumes each key in produced order across partitions handled in parallel', async () => {
    const contract = defineEventContract<{ seq: number }>({
      topic: await createTopic(kafka, 'ordered', 4),
      type: 'scale-models.test.step.v1',
      schema: {
        type: 'object',
        required: ['seq'],
        properties: { seq: { type: 'integer' } },
      },
    });
    const producer = createProducer(kafka, { source: '/test/order' });
    // Interleave keys so that every partition holds many keys, mixed. Each round waits for
    // the previous one, so "produced order" of a key is unambiguous.
    for (let seq = 0; seq < PER_KEY; seq += 1) {
      await Promise.all(
        Array.from({ length: KEYS }, (_, key) =>
          producer.publish(contract, { key: `entity-${key}`, event: { seq } }),
        ),
      );
    }
    await producer.disconnect();

    const seen = new Map<string, number[]>();
    const partitionsOfKey = new Map<string, Set<number>>();
    const consumer = await runConsumer({
      kafka,
      groupId: uniqueName('ordered_group'),
      topics: [contract.topic],
      partitionsConcurrently: 4,
      handle: (message) => {
        const key = message.key!;
        seen.set(key, [...(seen.get(key) ?? []), contract.decode(message.value).data.seq]);
        partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(message.partition));
      },
    });
    try {
      await eventually(() => expect([...seen.values()].flat()).toHaveLength(KEYS * PER_KEY), {
        timeoutMs: 30_000,
      });
    } finally {
      await consumer.stop();
    }
    const expected = [...Array(PER_KEY).keys()];
    for (const sequence of seen.values()) expect(sequence).toEqual(expected);
    expect(seen.size).toBe(KEYS);
    // The test means something only if keys really spread over partitions.
    const used = new Set([...partitionsOfKey.values()].flatMap((set) => [...set]));
    expect(used.size).toBe(4);
    for (const set of partitionsOfKey.values()) expect(set.size).toBe(1);
  });
});
