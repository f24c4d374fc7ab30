import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { uniqueName } from '@scale-models/testkit';
import { readToEnd } from '../src/index.ts';
import { createTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

describe('read_committed readers', () => {
  // Several producers writing one partition (a repartition topic) abort in another order than
  // they began: kafkajs 2.2.4 took the broker's aborted list as sorted by start and let the
  // first aborted record through (patched in patches/kafkajs@2.2.4.patch).
  it('never see records of aborted transactions that interleave across producers', async () => {
    const topic = await createTopic(kafka, 'interleaved', 1);
    const producer = (name: string) =>
      kafka.producer({
        transactionalId: uniqueName(name),
        idempotent: true,
        maxInFlightRequests: 1,
      });
    const [a, b] = [producer('txn_a'), producer('txn_b')];
    await Promise.all([a.connect(), b.connect()]);
    try {
      const first = await a.transaction();
      await first.send({ topic, messages: [{ value: 'aborted-a' }] });
      const second = await b.transaction();
      await second.send({ topic, messages: [{ value: 'aborted-b' }] });
      await second.abort();
      await first.abort();
      const third = await b.transaction();
      await third.send({ topic, messages: [{ value: 'committed' }] });
      await third.commit();
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
    const seen = await readToEnd(kafka, topic);
    expect(seen.map((message) => message.value?.toString())).toEqual(['committed']);
  });
});
