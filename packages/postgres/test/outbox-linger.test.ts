import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { eventually } from '@scale-models/testkit';
import { createOutboxRelay, enqueueOutboxEvent, migrate, withTransaction } from '../src/index.ts';
import {
  createDatabase,
  createRelayProducer,
  createTopic,
  readTopic,
  testKafka,
} from './support.ts';
import type { Database } from './support.ts';

let database: Database;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  // A database of its own: one relay leads per database, and this one must be it.
  database = await createDatabase('outbox_linger');
  await migrate(database.pool, { outbox: true });
  ({ kafka } = await testKafka());
  producer = await createRelayProducer(kafka);
});
afterAll(async () => {
  await producer.disconnect();
  await database.close();
});

describe('outbox relay with lingerMs', () => {
  it('publishes a burst of single-event commits in a few batches, losing none', async () => {
    const topic = await createTopic(kafka, 'postgres.outbox.linger.v1');
    const reader = await readTopic(kafka, topic);
    let batches = 0;
    const counting = Object.assign(Object.create(producer) as Producer, {
      sendBatch: (batch: Parameters<Producer['sendBatch']>[0]) => {
        batches += 1;
        return producer.sendBatch(batch);
      },
    });
    const relay = createOutboxRelay({ pool: database.pool, producer: counting, lingerMs: 1_000 });
    relay.start();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const envelope = await withTransaction(database.pool, (client) =>
          enqueueOutboxEvent(client, {
            topic,
            key: `order-${i}`,
            type: 'scale-models.postgres-test.order.placed.v1',
            source: '/postgres/test',
            data: { i },
          }),
        );
        ids.push(envelope.id);
      }
      await eventually(
        () => {
          const seen = new Set(reader.messages.map((message) => message.headers.ce_id));
          if (!ids.every((id) => seen.has(id))) throw new Error('not all on Kafka yet');
        },
        { timeoutMs: 20_000 },
      );
      // 20 commits one after another, well within one linger: not one batch each.
      expect(batches).toBeLessThan(5);
    } finally {
      await relay.stop();
      await reader.close();
    }
  });
});
