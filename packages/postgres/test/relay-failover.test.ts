// Claim tests of the relay: whatever happens to relay processes, every committed event
// reaches Kafka at least once, and each aggregate's events arrive in commit order.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { eventually, uniqueName } from '@scale-models/testkit';
import { createOutboxRelay, migrate } from '../src/index.ts';
import type { OutboxRelay } from '../src/index.ts';
import {
  changeMany,
  createAggregates,
  createDatabase,
  createRelayProducer,
  createTopic,
  expectInOrderPerAggregate,
  readTopic,
  testKafka,
  testPool,
  unpublishedCount,
} from './support.ts';
import type { Database, TopicReader } from './support.ts';

let kafka: Kafka;
let brokers: string[];
let producer: Producer;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
  producer = await createRelayProducer(kafka);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => producer.disconnect());

interface Scenario {
  database: Database;
  topic: string;
  reader: TopicReader;
  aggregates: string[];
}

async function scenario(name: string, aggregateCount = 5): Promise<Scenario> {
  const database = await createDatabase(name);
  cleanups.push(database.close);
  await migrate(database.pool, { outbox: true });
  const aggregates = Array.from({ length: aggregateCount }, () => uniqueName('agg'));
  await createAggregates(database.pool, aggregates);
  const topic = await createTopic(kafka, `postgres.${name}.v1`);
  const reader = await readTopic(kafka, topic);
  cleanups.push(reader.close);
  return { database, topic, reader, aggregates };
}

/** A relay in this process on a pool of its own, as another replica would have. */
function startRelay(url: string, name: string): OutboxRelay {
  const pool = testPool(url, name);
  const relay = createOutboxRelay({ pool, producer, batchSize: 10, standbyRetryMs: 100 });
  relay.start();
  cleanups.push(async () => {
    await relay.stop();
    await pool.end();
  });
  return relay;
}

function startRelayProcess(url: string, extra: Record<string, string> = {}) {
  const path = fileURLToPath(new URL('./fixtures/relay-process.ts', import.meta.url));
  const child = spawn(process.execPath, [path], {
    env: { ...process.env, DATABASE_URL: url, BROKERS: brokers.join(','), ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit').then(([, signal]) => signal as NodeJS.Signals | null);
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, exited };
}

function distinctIds(reader: TopicReader): number {
  return new Set(reader.messages.map((m) => m.envelope.id)).size;
}

async function everyEventArrives(s: Scenario, total: number): Promise<void> {
  await eventually(
    async () => {
      expect(await unpublishedCount(s.database.pool)).toBe(0);
      expect(distinctIds(s.reader)).toBe(total);
    },
    { timeoutMs: 30_000 },
  );
}

function versionsEach(s: Scenario, versions: number): Map<string, number> {
  return new Map(s.aggregates.map((id) => [id, versions]));
}

describe('outbox relay under failure', () => {
  it('a relay killed between Kafka ack and mark loses nothing; the next one republishes', async () => {
    const s = await scenario('relay_crash');
    await changeMany(s.database.pool, s.topic, s.aggregates, 100);

    // Batches of 10: the process dies right after Kafka acked batch 3, before marking it.
    const { exited } = startRelayProcess(s.database.db.url, { DIE_AFTER_SENDS: '3' });
    expect(await exited).toBe('SIGKILL');
    expect(await unpublishedCount(s.database.pool)).toBe(80);
    await eventually(() => expect(distinctIds(s.reader)).toBe(30));

    await changeMany(s.database.pool, s.topic, s.aggregates, 50); // committed while no relay runs
    startRelay(s.database.db.url, 'relay_after_crash');
    await everyEventArrives(s, 150);

    // Batch 3 went out twice, with the same ids: consumers dedupe on them.
    expect(s.reader.messages.length).toBe(160);
    expectInOrderPerAggregate(s.reader.messages, versionsEach(s, 30));
  });

  it('a relay SIGKILLed in the middle of a stream of writes loses nothing', async () => {
    const s = await scenario('relay_kill');
    const { child, exited } = startRelayProcess(s.database.db.url);
    const writing = changeMany(s.database.pool, s.topic, s.aggregates, 300);

    await eventually(() => expect(distinctIds(s.reader)).toBeGreaterThanOrEqual(50), {
      timeoutMs: 30_000,
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    startRelay(s.database.db.url, 'relay_after_kill');
    await writing;

    await everyEventArrives(s, 300);
    expectInOrderPerAggregate(s.reader.messages, versionsEach(s, 60));
  });

  it('two relays at once publish in order per aggregate, one leading, through a handover', async () => {
    const s = await scenario('relay_pair');
    const relays = [
      startRelay(s.database.db.url, 'relay_a'),
      startRelay(s.database.db.url, 'relay_b'),
    ];
    const leaders = () => relays.filter((relay) => relay.isLeader());
    await eventually(() => expect(leaders()).toHaveLength(1));
    const writing = changeMany(s.database.pool, s.topic, s.aggregates, 300);

    await eventually(() => expect(distinctIds(s.reader)).toBeGreaterThanOrEqual(100), {
      timeoutMs: 30_000,
    });
    expect(leaders()).toHaveLength(1);
    const [first] = leaders();
    await first?.stop(); // the standby takes over mid-stream
    await eventually(() => expect(leaders()).toHaveLength(1));
    expect(leaders()[0]).not.toBe(first);
    first?.start(); // comes back as a standby
    await writing;

    await everyEventArrives(s, 300);
    expect(leaders()).toHaveLength(1);
    expectInOrderPerAggregate(s.reader.messages, versionsEach(s, 60));
  });
});
