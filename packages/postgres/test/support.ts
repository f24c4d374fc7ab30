// Shared helpers of the test files: a fresh database with a pool, Kafka topics, a reader
// that collects a topic from the beginning, and the aggregate writer the ordering tests use.
import { Kafka, logLevel } from 'kafkajs';
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import { createTestDatabase, kafka as kafkaServer, uniqueName } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import type { CloudEvent } from '@scale-models/kafka';
import { createPool, enqueueOutboxEvent, withTransaction } from '../src/index.ts';

export interface Database {
  db: TestDatabase;
  pool: pg.Pool;
  close: () => Promise<void>;
}

export async function createDatabase(base: string): Promise<Database> {
  const db = await createTestDatabase(base);
  const pool = testPool(db.url, base);
  return {
    db,
    pool,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/**
 * pool.end() resolves before the server has seen every session close, so dropping the
 * database WITH (FORCE) may terminate one (57P01): expected in tests, not worth a log line.
 */
export function testPool(url: string, applicationName: string): pg.Pool {
  return createPool(url, { applicationName, onError: ignoreTermination });
}

function ignoreTermination(error: Error): void {
  if ((error as { code?: string }).code !== '57P01') console.error(error);
}

export async function testKafka(): Promise<{ kafka: Kafka; brokers: string[] }> {
  const { brokers } = await kafkaServer();
  const kafka = new Kafka({ brokers, clientId: uniqueName('pg_test'), logLevel: logLevel.ERROR });
  return { kafka, brokers };
}

export async function createTopic(kafka: Kafka, base: string, partitions = 3): Promise<string> {
  const topic = uniqueName(base);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** The producer a service gives the relay: idempotent, one request in flight. */
export async function createRelayProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

export interface Received {
  key: string;
  envelope: CloudEvent<{ aggregate: string; version: number }>;
  headers: Record<string, string>;
}

export interface TopicReader {
  /** Messages in the order each partition delivered them. */
  messages: Received[];
  close: () => Promise<void>;
}

/** Collects every message of `topic`, from the beginning, until closed. */
export async function readTopic(kafka: Kafka, topic: string): Promise<TopicReader> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  const messages: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        headers[name] = String(value);
      }
      messages.push({
        key: String(message.key),
        envelope: JSON.parse(String(message.value)) as Received['envelope'],
        headers,
      });
      return Promise.resolve();
    },
  });
  return { messages, close: () => consumer.disconnect() };
}

export async function createAggregates(pool: pg.Pool, ids: readonly string[]): Promise<void> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS aggregates (id text PRIMARY KEY, version int NOT NULL)',
  );
  await pool.query('INSERT INTO aggregates (id, version) SELECT unnest($1::text[]), 0', [ids]);
}

/**
 * What a service does: lock the aggregate by updating it, then enqueue its event in the same
 * transaction. The event carries the new version, so readers can check per-aggregate order.
 */
export async function changeAggregate(pool: pg.Pool, topic: string, id: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ version: number }>(
      'UPDATE aggregates SET version = version + 1 WHERE id = $1 RETURNING version',
      [id],
    );
    await enqueueOutboxEvent(client, {
      topic,
      key: id,
      aggregateType: 'aggregate',
      type: 'scale-models.test.aggregate.changed.v1',
      source: '/postgres/test',
      data: { aggregate: id, version: rows[0]?.version },
    });
  });
}

/** `count` changes spread over `ids`, `concurrency` transactions at a time, all ids mixed. */
export async function changeMany(
  pool: pg.Pool,
  topic: string,
  ids: readonly string[],
  count: number,
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const id = ids[next % ids.length] ?? '';
      next += 1;
      await changeAggregate(pool, topic, id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Checks the promise consumers rely on: dropping repeats of an id already seen (dedupe), each
 * aggregate's versions arrive 1, 2, 3 … with none missing.
 */
export function expectInOrderPerAggregate(
  messages: readonly Received[],
  expected: ReadonlyMap<string, number>,
): void {
  const seen = new Set<string>();
  const last = new Map<string, number>();
  for (const { envelope } of messages) {
    if (seen.has(envelope.id)) continue;
    seen.add(envelope.id);
    const { aggregate, version } = envelope.data;
    const previous = last.get(aggregate) ?? 0;
    if (version !== previous + 1) {
      throw new Error(`aggregate ${aggregate}: version ${version} arrived after ${previous}`);
    }
    last.set(aggregate, version);
  }
  for (const [aggregate, versions] of expected) {
    if ((last.get(aggregate) ?? 0) !== versions) {
      throw new Error(`aggregate ${aggregate}: ${last.get(aggregate) ?? 0} of ${versions} arrived`);
    }
  }
}

export async function unpublishedCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    'SELECT count(*) FROM outbox_events WHERE published_at IS NULL',
  );
  return Number(rows[0]?.count);
}
