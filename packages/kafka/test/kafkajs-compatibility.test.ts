// kafkajs 2.2.4 was last tested upstream against Kafka 2.4; these prove the protocol paths we
// rely on against the broker we run (Apache Kafka 4.1.1, KRaft), with plain kafkajs calls.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { committedOffsets, createTopic, readTopic, testKafka } from './support.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

describe('kafkajs against the running broker', () => {
  it('connects and describes the cluster', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
  });

  it('produces and consumes through a consumer group that commits offsets', async () => {
    const topic = await createTopic(kafka, 'compat_plain', 2);
    const groupId = uniqueName('compat_group');
    // Idempotent, as every producer of the services: a fresh topic's partition can answer "not
    // the leader" for a moment after it has one, and kafkajs then resends the whole batch, so
    // a plain producer wrote the partitions that had taken it twice (14 or 16 of 10 here).
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(message.value!.toString());
        return Promise.resolve();
      },
    });
    await eventually(() => expect(seen).toHaveLength(10));
    await consumer.disconnect();

    const committed = await committedOffsets(kafka, groupId, topic);
    expect([...committed.values()].reduce((sum, offset) => sum + offset, 0n)).toBe(10n);
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('commits a transaction with sendOffsets and hides an aborted one from read_committed', async () => {
    const topic = await createTopic(kafka, 'compat_txn', 1);
    const groupId = uniqueName('compat_txn_group');
    const producer = kafka.producer({
      transactionalId: uniqueName('compat_txn_id'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();

    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed' }] });
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic, partitions: [{ partition: 0, offset: '42' }] }],
    });
    await committed.commit();

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted' }] });
    await aborted.abort();
    await producer.disconnect();

    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(42n);
    const readCommitted = await readTopic(kafka, topic);
    expect(readCommitted.map((m) => m.value?.toString())).toEqual(['committed']);
    const readUncommitted = await readTopic(kafka, topic, { readUncommitted: true });
    expect(readUncommitted.map((m) => m.value?.toString())).toEqual(['committed', 'aborted']);
  });
});
