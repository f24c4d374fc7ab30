import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopics } from '@scale-models/kafka';
import { eventually, uniqueName } from '@scale-models/testkit';
import { Partitioners } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../src/adapters/run-query.ts';
import { queryTopics, stageTopics } from '../../src/adapters/topics.ts';
import { stageCount } from '../../src/domain/stages.ts';
import { defineTable } from '../../src/sql/define-table.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';
import { canonical, clickMessages, QUERY_OPTIONS } from '../support/clicks.ts';
import { scratchWithProgress, startFixture } from '../support/fixture.ts';
import { consumedAll, createInput, produce, readEvents, testKafka } from '../support/kafka.ts';

// Clicks are keyed by user; the pages table by page: the stream is repartitioned by page so
// each click meets its page's row in the task of that partition.
const JOIN_SQL = `CREATE STREAM titled AS
SELECT C.user, C.page, P.title FROM clicks C JOIN pages P ON C.page = P.page`;

/** Table rows as a compacted topic holds them: key = primary key, null = deleted. */
const TABLE: [page: string, title: string | null][] = [
  ['/p0', 'Home (old)'],
  ['/p1', 'Pricing'],
  ['/p2', 'Docs'],
  ['/p3', 'Careers'],
  ['/p0', 'Home'],
  ['/p3', null],
];
const TITLES: Record<string, string> = { '/p0': 'Home', '/p1': 'Pricing', '/p2': 'Docs' };

let kafka: Kafka;
let brokers: string[];

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
});

async function createTable(partitions: number): Promise<string> {
  const topic = uniqueName('sp_pages');
  await ensureTopics(kafka, [{ topic, partitions, config: { 'cleanup.policy': 'compact' } }]);
  return topic;
}

async function fillTable(topic: string): Promise<void> {
  const producer = kafka.producer({
    idempotent: true, // a retried request must not write the table twice (see `produce`)
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  await producer.send({
    topic,
    messages: TABLE.map(([page, title]) => ({
      key: page,
      value: title === null ? null : JSON.stringify({ page, title }),
    })),
  });
  await producer.disconnect();
}

/** Waits until every process has joined the group and been given its partitions. */
async function stable(groupId: string, members: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      expect(group).toMatchObject({ state: 'Stable' });
      expect(group!.members).toHaveLength(members);
    });
  } finally {
    await admin.disconnect();
  }
}

const catalogWith = (input: string, table: string) =>
  new Map([
    ...serviceCatalog({ clicks: input }),
    [
      'pages',
      defineTable(
        `CREATE TABLE pages (page STRING PRIMARY KEY, title STRING) WITH (topic = '${table}')`,
      ),
    ],
  ]);

describe('stream-table join with the table on its own compacted topic', () => {
  // With two processes in the group, partition p of the repartitioned clicks and of the table
  // must land in the same one (the co-partitioning assignor).
  it.each([1, 2])(
    'joins each click with the latest row of its page; deleted and unknown pages drop out (%i processes)',
    async (processes) => {
      const input = await createInput(kafka, 3);
      const table = await createTable(3);
      const plan = planQuery(JOIN_SQL, catalogWith(input, table), QUERY_OPTIONS).plan;
      expect(stageCount(plan)).toBe(2);
      const topics = queryTopics(uniqueName('titled'));
      const groupId = uniqueName('titled_group');
      const members = [];
      for (let i = 0; i < processes; i += 1) {
        members.push(
          await runQuery({
            kafka,
            plan,
            inputTopic: input,
            topics,
            stateDir: mkdtempSync(join(tmpdir(), 'sp-join-')),
            mode: 'exactly-once',
            groupId,
          }),
        );
      }
      const clicks = clickMessages(3, 40, 5);
      try {
        // The table is loaded after the group settled and before the clicks come, so every
        // click sees its final version, in whichever process owns its partition.
        await stable(`${groupId}-stage-1`, processes);
        await fillTable(table);
        await consumedAll(kafka, `${groupId}-stage-1`, table);
        await produce(kafka, input, clicks);
        await consumedAll(kafka, groupId, input);
        await consumedAll(kafka, `${groupId}-stage-1`, stageTopics(topics, 1).repartition, {
          transactional: true,
        });
      } finally {
        await Promise.all(members.map((member) => member.stop()));
      }
      const expected = clicks.flatMap(({ value }) => {
        const click = JSON.parse(value.startsWith('{') ? value : '{}') as Record<string, unknown>;
        const title = TITLES[click.page as string];
        const valid = typeof click.user === 'string' && typeof click.ts === 'number';
        return valid && title !== undefined ? [{ user: click.user, page: click.page, title }] : [];
      });
      const results = await readEvents(kafka, topics.results);
      expect(expected.length).toBeGreaterThan(50);
      expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected));
    },
  );

  it('refuses a table topic not partitioned like the stream', async () => {
    const input = await createInput(kafka, 3);
    const table = await createTable(2);
    const plan = planQuery(JOIN_SQL, catalogWith(input, table), QUERY_OPTIONS).plan;
    await expect(
      runQuery({
        kafka,
        plan,
        inputTopic: input,
        topics: queryTopics(uniqueName('titled')),
        stateDir: mkdtempSync(join(tmpdir(), 'sp-join-')),
        mode: 'exactly-once',
        groupId: uniqueName('titled_group'),
      }),
    ).rejects.toMatchObject({ code: 'table.not_copartitioned' });
  });
});

describe('stream-table join as of event time', () => {
  const CLICKS_BASE = 1_700_000_000_000;
  // Registered before every click (by event time), but written after all of them.
  const PAGES = { '/p0': 'Home', '/p1': 'Pricing', '/p2': 'Docs', '/p3': 'Careers' };
  const TIMED_TABLE_SQL = (topic: string) =>
    `CREATE TABLE pages (page STRING PRIMARY KEY, title STRING, ts NUMBER) WITH (topic = '${topic}', timestamp = 'ts')`;

  it('joins clicks with page rows written after them, across a SIGKILL; a page never registered drops out once the table passed it', async () => {
    const input = await createInput(kafka, 3);
    const table = await createTable(3);
    const clicks = clickMessages(3, 60, 9);
    await produce(kafka, input, clicks);
    const query = uniqueName('titled');
    const { folder, progress, marks: decoded } = scratchWithProgress('sp-join-');
    const env = {
      BROKERS: brokers.join(','),
      INPUT: input,
      QUERY: query,
      GROUP: uniqueName('titled_group'),
      STATE_DIR: join(folder, 'state'),
      SQL: JOIN_SQL,
      TABLE_SQL: TIMED_TABLE_SQL(table),
      // Never judged quiet here: only the table's rows release the clicks.
      TABLE_IDLE_MS: '600000',
      PROGRESS_FILE: progress,
      MODE: 'exactly-once',
      CHUNK: '20',
      WORK_MS: '4',
    };
    const doomed = startFixture('query-process', env);
    await eventually(() => expect(decoded()).toBeGreaterThanOrEqual(80), { timeoutMs: 60_000 });
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    expect(decoded()).toBeLessThan(clicks.length);

    const successor = startFixture('query-process', { ...env, WORK_MS: '0' });
    const topics = queryTopics(query);
    try {
      await consumedAll(kafka, env.GROUP, input);
      await consumedAll(kafka, `${env.GROUP}-stage-1`, stageTopics(topics, 1).repartition, {
        transactional: true,
      });
      // Every click reached the join and waits in its (changelogged) state for the table.
      expect(await readEvents(kafka, topics.results)).toEqual([]);
      await produce(kafka, table, [
        ...Object.entries(PAGES).map(([page, title]) => ({
          key: page,
          value: JSON.stringify({ page, title, ts: CLICKS_BASE - 60_000 }),
        })),
        // A row far ahead on every partition: the table has passed every click.
        ...[0, 1, 2].map((partition) => ({
          partition,
          key: `/later-${partition}`,
          value: JSON.stringify({
            page: `/later-${partition}`,
            title: 'Later',
            ts: CLICKS_BASE + 9e6,
          }),
        })),
      ]);
      await consumedAll(kafka, `${env.GROUP}-stage-1`, table);
    } finally {
      successor.process.kill('SIGTERM');
      await successor.exited;
    }
    const titles: Record<string, string> = PAGES;
    const expected = clicks.flatMap(({ value }) => {
      const click = JSON.parse(value.startsWith('{') ? value : '{}') as Record<string, unknown>;
      const title = titles[click.page as string];
      const valid = typeof click.user === 'string' && typeof click.ts === 'number';
      return valid && title !== undefined ? [{ user: click.user, page: click.page, title }] : [];
    });
    const results = await readEvents(kafka, topics.results);
    // /p4 is never registered: those clicks are dropped (inner join), not left waiting.
    expect(clicks.some(({ value }) => value.includes('"/p4"'))).toBe(true);
    expect(expected.length).toBeGreaterThan(80);
    expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected));
  });
});
