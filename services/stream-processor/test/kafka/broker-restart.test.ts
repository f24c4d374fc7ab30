import { join } from 'node:path';
import { createKafka } from '@scale-models/kafka';
import { eventually, startKafkaBroker, uniqueName } from '@scale-models/testkit';
import type { KafkaBroker } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryTopics } from '../../src/adapters/topics.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';
import {
  canonical,
  clickMessages,
  expectedOutputs,
  PAGE_VIEWS_SQL,
  QUERY_OPTIONS,
} from '../support/clicks.ts';
import { scratchWithProgress, startFixture } from '../support/fixture.ts';
import { consumedAll, createInput, produce, readEvents } from '../support/kafka.ts';

// A broker of this test's own: the shared one on 9092 must never be stopped.
let broker: KafkaBroker;

beforeAll(async () => {
  broker = await startKafkaBroker();
}, 180_000);

afterAll(async () => {
  await broker.stop();
});

it('a broker stopped (SIGTERM) and crashed (SIGKILL) mid-stream: read_committed results equal the uninterrupted run, once each', async () => {
  const kafka = createKafka({ brokers: broker.brokers, clientId: uniqueName('sp_restart') });
  const input = await createInput(kafka, 2);
  const messages = clickMessages(2, 200, 11);
  await produce(kafka, input, messages);
  const query = uniqueName('pv_broker');
  const { folder, progress, marks: decoded } = scratchWithProgress('sp-broker-');
  const env = {
    BROKERS: broker.brokers.join(','),
    INPUT: input,
    QUERY: query,
    GROUP: uniqueName('pv_broker_group'),
    STATE_DIR: join(folder, 'state'),
    SQL: PAGE_VIEWS_SQL,
    PROGRESS_FILE: progress,
    MODE: 'exactly-once',
    CHUNK: '20',
    WORK_MS: '10',
  };
  const task = startFixture('query-process', env);
  try {
    // The same task process rides out both outages: its open transactions abort, and it
    // carries on from the last committed offsets once the broker answers again.
    for (const [signal, share] of [
      ['SIGTERM', 1 / 3],
      ['SIGKILL', 2 / 3],
    ] as const) {
      await eventually(() => expect(decoded()).toBeGreaterThanOrEqual(messages.length * share), {
        timeoutMs: 120_000,
      });
      expect(decoded()).toBeLessThan(messages.length);
      await broker.stop(signal);
      expect(task.process.exitCode).toBeNull();
      await broker.restart();
    }
    // Partition leaders are elected a moment after the broker says it started.
    await eventually(() => inputOffsets(kafka, input));
    await consumedAll(kafka, env.GROUP, input);
    expect(task.process.exitCode).toBeNull();
  } finally {
    task.process.kill('SIGTERM');
    await task.exited;
  }

  const plan = planQuery(PAGE_VIEWS_SQL, serviceCatalog({ clicks: input }), QUERY_OPTIONS).plan;
  const expected = expectedOutputs(plan, messages);
  const results = await readEvents(kafka, queryTopics(query).results);
  expect(expected.results.length).toBeGreaterThan(20);
  expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected.results));
  expect(new Set(results.map((event) => event.id)).size).toBe(results.length);
  const late = await readEvents(kafka, queryTopics(query).late);
  expect(canonical(late.map((event) => (event.data as { row: unknown }).row))).toEqual(
    canonical(expected.late),
  );
}, 400_000);

async function inputOffsets(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
}
