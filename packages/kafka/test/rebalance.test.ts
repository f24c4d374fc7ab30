import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { runConsumer } from '../src/index.ts';
import type { ConsumerHandle, ConsumerOptions } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

const PARTITIONS = 4;

describe('consumer-group rebalance', () => {
  it('shares partitions between two members and hands all to the survivor', async () => {
    const topic = await createTopic(kafka, 'rebalance', PARTITIONS);
    const groupId = uniqueName('rebalance_group');
    const processed = new Map<string, string[]>();
    const member = (name: string): Promise<ConsumerHandle> => {
      const options: ConsumerOptions = {
        kafka,
        groupId,
        topics: [topic],
        heartbeatIntervalMs: 200,
        maxWaitTimeMs: 200,
        sessionTimeoutMs: 6_000,
        handle: ({ value }) => {
          const id = value!.toString();
          processed.set(id, [...(processed.get(id) ?? []), name]);
        },
      };
      return runConsumer(options);
    };
    const owned = (handle: ConsumerHandle) => handle.assignment()[topic] ?? [];

    const a = await member('a');
    const b = await member('b');
    let bStopped = false;
    try {
      await eventually(
        () => {
          expect(owned(a).length).toBeGreaterThan(0);
          expect(owned(b).length).toBeGreaterThan(0);
          expect([...owned(a), ...owned(b)].sort()).toEqual([0, 1, 2, 3]);
        },
        { timeoutMs: 20_000 },
      );
      await produce(kafka, topic, 'first', 100);
      await eventually(() => expect(processed.size).toBe(100), { timeoutMs: 20_000 });
      const firstBy = new Set([...processed.values()].flat());
      expect(firstBy).toEqual(new Set(['a', 'b']));

      await b.stop();
      bStopped = true;
      await eventually(() => expect([...owned(a)].sort()).toEqual([0, 1, 2, 3]), {
        timeoutMs: 20_000,
      });
      await produce(kafka, topic, 'second', 100);
      await eventually(() => expect(processed.size).toBe(200), { timeoutMs: 20_000 });
    } finally {
      await a.stop();
      if (!bStopped) await b.stop();
    }
    const second = [...processed].filter(([id]) => id.startsWith('second'));
    expect(second.every(([, by]) => by.join() === 'a')).toBe(true);
    // A graceful hand-over commits first, so nothing was processed twice.
    expect([...processed.values()].every((by) => by.length === 1)).toBe(true);
  });
});

async function produce(kafka: Kafka, topic: string, prefix: string, count: number): Promise<void> {
  // Idempotent: kafkajs retries a failed request whole, so a plain producer may write a
  // partition the broker had already appended twice (NOT_LEADER on a topic just created).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({
      key: `${prefix}-${i}`,
      value: `${prefix}-${i}`,
    })),
  });
  await producer.disconnect();
}
