import { join } from 'node:path';
import { eventually, uniqueName } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryTopics, stageTopics } from '../../src/adapters/topics.ts';
import { stageCount } from '../../src/domain/stages.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';
import { canonical, clickMessages, QUERY_OPTIONS } from '../support/clicks.ts';
import { scratchWithProgress, startFixture } from '../support/fixture.ts';
import {
  consumedAll,
  createInput,
  earliestOffsets,
  produce,
  readEvents,
  testKafka,
} from '../support/kafka.ts';
import { batchWindowTotals, windowTotalsSql, withoutFarLate } from '../support/window-totals.ts';

// Clicks are keyed (partitioned) by user; this groups them by page, so one page's clicks are
// on every partition and must meet in one task.
const PAGE_TOTALS_SQL = windowTotalsSql('page');

let kafka: Kafka;
let brokers: string[];

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
});

describe('GROUP BY a key the input is not partitioned by', () => {
  it('goes through a repartition topic: exact on 3 partitions, across a SIGKILL of the tasks after a purge', async () => {
    const input = await createInput(kafka, 3);
    const messages = withoutFarLate(clickMessages(3, 160, 11));
    await produce(kafka, input, messages);
    const plan = planQuery(PAGE_TOTALS_SQL, serviceCatalog({ clicks: input }), QUERY_OPTIONS).plan;
    // The planner cut the plan: keyBy page, repartition, then the window.
    expect(stageCount(plan)).toBe(2);

    const query = uniqueName('pages');
    const { repartition } = stageTopics(queryTopics(query), 1);
    const { folder, progress, marks: decoded } = scratchWithProgress('sp-repartition-');
    const env = {
      BROKERS: brokers.join(','),
      INPUT: input,
      QUERY: query,
      GROUP: uniqueName('pages_group'),
      STATE_DIR: join(folder, 'state'),
      SQL: PAGE_TOTALS_SQL,
      PROGRESS_FILE: progress,
      MODE: 'exactly-once',
      CHUNK: '40',
      WORK_MS: '4',
      PURGE_MS: '200',
    };
    const doomed = startFixture('query-process', env);
    // Killed mid-run, once the second stage's consumed records started to be deleted.
    await eventually(
      async () => {
        expect(decoded()).toBeGreaterThanOrEqual(200);
        expect(Math.max(...(await earliestOffsets(kafka, repartition)))).toBeGreaterThan(0);
      },
      { timeoutMs: 60_000 },
    );
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    expect(decoded()).toBeLessThan(messages.length);

    const successor = startFixture('query-process', { ...env, WORK_MS: '0' });
    try {
      await consumedAll(kafka, env.GROUP, input);
      await consumedAll(kafka, `${env.GROUP}-stage-1`, repartition, { transactional: true });
    } finally {
      successor.process.kill('SIGTERM');
      await successor.exited;
    }

    const expected = batchWindowTotals(messages, 'page');
    const results = await readEvents(kafka, queryTopics(query).results);
    expect(expected.length).toBeGreaterThan(20);
    expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected));
    expect(new Set(results.map((event) => event.id)).size).toBe(results.length);
    expect(await readEvents(kafka, queryTopics(query).late)).toEqual([]);
  });
});
