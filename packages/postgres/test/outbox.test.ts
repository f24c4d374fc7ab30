import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { eventually } from '@scale-models/testkit';
import { createOutboxRelay, enqueueOutboxEvent, migrate, withTransaction } from '../src/index.ts';
import type { OutboxRelay } from '../src/index.ts';
import {
  createDatabase,
  createRelayProducer,
  createTopic,
  readTopic,
  testKafka,
  unpublishedCount,
} from './support.ts';
import type { Database, TopicReader } from './support.ts';

let database: Database;
let kafka: Kafka;
let producer: Producer;
let relay: OutboxRelay;
let topic: string;
let reader: TopicReader;

beforeAll(async () => {
  database = await createDatabase('outbox');
  await migrate(database.pool, { outbox: true });
  ({ kafka } = await testKafka());
  topic = await createTopic(kafka, 'postgres.outbox.test.v1');
  producer = await createRelayProducer(kafka);
  relay = createOutboxRelay({ pool: database.pool, producer, pollIntervalMs: 200 });
  relay.start();
  reader = await readTopic(kafka, topic);
});
afterAll(async () => {
  await relay.stop();
  await reader.close();
  await producer.disconnect();
  await database.close();
});

function enqueueOrder(orderId: string, totalMinor: number) {
  return (client: Parameters<typeof enqueueOutboxEvent>[0]) =>
    enqueueOutboxEvent(client, {
      topic,
      key: orderId,
      aggregateType: 'order',
      type: 'scale-models.postgres-test.order.placed.v1',
      source: '/postgres/test',
      data: { orderId, totalMinor, currency: 'EUR' },
      headers: { 'trace-id': 'abc' },
    });
}

describe('transactional outbox', () => {
  it('publishes a committed event: CloudEvents envelope as value, key, and id header', async () => {
    const envelope = await withTransaction(database.pool, enqueueOrder('order-1', 1250));

    const message = await eventually(() => {
      const found = reader.messages.find((m) => m.headers.ce_id === envelope.id);
      if (found === undefined) throw new Error('not on Kafka yet');
      return found;
    });
    expect(message.key).toBe('order-1');
    expect(message.envelope).toEqual({
      specversion: '1.0',
      id: envelope.id,
      source: '/postgres/test',
      type: 'scale-models.postgres-test.order.placed.v1',
      subject: 'order-1',
      time: envelope.time,
      datacontenttype: 'application/json',
      data: { orderId: 'order-1', totalMinor: 1250, currency: 'EUR' },
    });
    expect(envelope.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
    expect(message.headers).toMatchObject({
      ce_id: envelope.id,
      'content-type': 'application/cloudevents+json; charset=UTF-8',
      'trace-id': 'abc',
    });
    await eventually(async () => expect(await unpublishedCount(database.pool)).toBe(0));
  });

  it('never publishes an event whose transaction rolled back', async () => {
    let rolledBackId = '';
    await expect(
      withTransaction(database.pool, async (client) => {
        rolledBackId = (await enqueueOrder('order-2', 500)(client)).id;
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    // The relay publishes in id order, so once a later event is on Kafka, the relay has passed
    // the place where the rolled-back one would have been.
    const later = await withTransaction(database.pool, enqueueOrder('order-3', 700));
    await eventually(() => {
      if (!reader.messages.some((m) => m.envelope.id === later.id)) throw new Error('waiting');
    });
    expect(reader.messages.some((m) => m.envelope.id === rolledBackId)).toBe(false);
  });

  it('publishes a row whose lower id commits after a higher one was published', async () => {
    // T1 takes the lower id and stays open; T2 takes a higher id and commits first. A relay
    // that remembered "published up to id N" would skip T1's row forever.
    const slow = await database.pool.connect();
    try {
      await slow.query('BEGIN');
      const early = await enqueueOrder('order-5', 100)(slow);
      const late = await withTransaction(database.pool, enqueueOrder('order-6', 200));
      await eventually(() => {
        if (!reader.messages.some((m) => m.envelope.id === late.id)) throw new Error('waiting');
      });
      await slow.query('COMMIT');
      await eventually(() => {
        if (!reader.messages.some((m) => m.envelope.id === early.id)) throw new Error('waiting');
      });
      expect(early.id < late.id).toBe(true); // UUIDv7 ids sort by creation: T1 enqueued first
    } finally {
      slow.release();
    }
  });

  it('deletes published rows once they are older than the retention', async () => {
    const cleaner = createOutboxRelay({
      pool: database.pool,
      producer,
      retentionMs: 0,
      cleanupIntervalMs: 50,
      pollIntervalMs: 50,
    });
    await relay.stop(); // let the cleaner lead
    cleaner.start();
    try {
      const event = await withTransaction(database.pool, enqueueOrder('order-4', 900));
      await eventually(() => {
        if (!reader.messages.some((m) => m.envelope.id === event.id)) throw new Error('waiting');
      });
      await eventually(async () => {
        const { rows } = await database.pool.query('SELECT count(*)::int AS n FROM outbox_events');
        expect(rows[0]).toEqual({ n: 0 });
      });
    } finally {
      await cleaner.stop();
      relay.start();
    }
  });
});
