import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, eventually, uniqueName } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSinkDatabase } from '../../src/adapters/postgres-sink.ts';
import { runQuery } from '../../src/adapters/run-query.ts';
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
import { consumedAll, createInput, produce, testKafka } from '../support/kafka.ts';

let kafka: Kafka;
let brokers: string[];
let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
  database = await createTestDatabase('sp_sink');
  pool = await openSinkDatabase(database.url);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** Runs the page-views query over fresh clicks to its end: a result topic to sink. */
async function resultTopicOfPageViews() {
  const input = await createInput(kafka, 2);
  const messages = clickMessages(2, 160, 5);
  await produce(kafka, input, messages);
  const { plan } = planQuery(PAGE_VIEWS_SQL, serviceCatalog({ clicks: input }), QUERY_OPTIONS);
  const query = uniqueName('pv_sink');
  const groupId = uniqueName('pv_sink_group');
  const running = await runQuery({
    kafka,
    plan,
    inputTopic: input,
    topics: queryTopics(query),
    stateDir: mkdtempSync(join(tmpdir(), 'sp-sink-')),
    mode: 'exactly-once',
    groupId,
  });
  try {
    await consumedAll(kafka, groupId, input);
  } finally {
    await running.stop();
  }
  return { query, topic: queryTopics(query).results, expected: expectedOutputs(plan, messages) };
}

it('a sink task killed mid-transaction and restarted leaves each result in PostgreSQL once', async () => {
  const { query, topic, expected } = await resultTopicOfPageViews();
  const { progress, marks: transactions } = scratchWithProgress('sp-sink-');
  const stored = async () =>
    (
      await pool.query<{ row: unknown; versions: number }>(
        'SELECT row, versions FROM query_results WHERE query = $1',
        [query],
      )
    ).rows;
  const env = {
    BROKERS: brokers.join(','),
    PG_URL: database.url,
    QUERY: query,
    TOPIC: topic,
    GROUP: uniqueName('pv_sink_pg'),
    PROGRESS_FILE: progress,
    CHUNK: '4',
    SLOW_MS: '200',
  };

  const doomed = startFixture('sink-process', env);
  // Killed while a transaction waits to commit: its rows and offset roll back together.
  await eventually(() => expect(transactions()).toBeGreaterThanOrEqual(4), { timeoutMs: 60_000 });
  doomed.process.kill('SIGKILL');
  await doomed.exited;
  const beforeRestart = (await stored()).length;
  expect(beforeRestart).toBeGreaterThan(0);
  expect(beforeRestart).toBeLessThan(expected.results.length);

  const successor = startFixture('sink-process', { ...env, SLOW_MS: '0' });
  try {
    await eventually(async () => expect(await stored()).toHaveLength(expected.results.length), {
      timeoutMs: 60_000,
    });
  } finally {
    successor.process.kill('SIGTERM');
    await successor.exited;
  }
  const rows = await stored();
  // jsonb keeps no key order: compare rows with their keys sorted.
  const sorted = (row: unknown) => Object.fromEntries(Object.entries(row as object).sort());
  expect(canonical(rows.map(({ row }) => sorted(row)))).toEqual(
    canonical(expected.results.map(sorted)),
  );
  // EMIT FINAL: one version per result; a chunk applied twice would show as 2.
  expect(rows.every(({ versions }) => versions === 1)).toBe(true);
});
