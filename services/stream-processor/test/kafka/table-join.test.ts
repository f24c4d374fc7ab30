import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopics } from '@scale-models/kafka';
import { uniqueName } from '@scale-models/testkit';
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

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

async function createTable(partitions: number): Promise<string> {
  const topic = uniqueName('sp_pages');
  await ensureTopics(kafka, [{ topic, partitions, config: { 'cleanup.policy': 'compact' } }]);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic,
    messages: TABLE.map(([page, title]) => ({
      key: page,
      value: title === null ? null : JSON.stringify({ page, title }),
    })),
  });
  await producer.disconnect();
  return topic;
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
  it('joins each click with the latest row of its page; deleted and unknown pages drop out', async () => {
    const input = await createInput(kafka, 3);
    const table = await createTable(3);
    const plan = planQuery(JOIN_SQL, catalogWith(input, table), QUERY_OPTIONS).plan;
    expect(stageCount(plan)).toBe(2);
    const topics = queryTopics(uniqueName('titled'));
    const groupId = uniqueName('titled_group');
    const running = await runQuery({
      kafka,
      plan,
      inputTopic: input,
      topics,
      stateDir: mkdtempSync(join(tmpdir(), 'sp-join-')),
      mode: 'exactly-once',
      groupId,
    });
    const clicks = clickMessages(3, 40, 5);
    try {
      // The table is loaded before the clicks come, so every click sees its final version.
      await consumedAll(kafka, `${groupId}-stage-1`, table);
      await produce(kafka, input, clicks);
      await consumedAll(kafka, groupId, input);
      await consumedAll(kafka, `${groupId}-stage-1`, stageTopics(topics, 1).repartition, {
        transactional: true,
      });
    } finally {
      await running.stop();
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
  });

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
