import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, uniqueName } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../src/adapters/run-query.ts';
import type { RunningQuery } from '../../src/adapters/run-query.ts';
import { queryTopics } from '../../src/adapters/topics.ts';
import type { QueryTopics } from '../../src/adapters/topics.ts';
import { stageCount } from '../../src/domain/stages.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';
import { canonical, clickMessages, QUERY_OPTIONS } from '../support/clicks.ts';
import { createInput, produce, readEvents, testKafka } from '../support/kafka.ts';
import { batchWindowTotals, windowTotalsSql, withoutFarLate } from '../support/window-totals.ts';
import type { ClickColumn } from '../support/window-totals.ts';

// Long enough that partitions with events are read before it runs out, even on a busy machine.
const IDLE_TIMEOUT_MS = 5_000;

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

interface Deployed {
  input: string;
  topics: QueryTopics;
  running: RunningQuery;
}

/**
 * Clicks on partitions 0 and 1 of a 3-partition topic (each ending with a closer far ahead),
 * none ever on partition 2; the query runs until every final window equals the batch answer.
 */
async function finalWindowsWithEmptyPartition(
  column: ClickColumn,
  stages: number,
): Promise<Deployed> {
  const input = await createInput(kafka, 3);
  const messages = withoutFarLate(clickMessages(3, 120, 5)).filter((m) => m.partition !== 2);
  await produce(kafka, input, messages);
  const options = { ...QUERY_OPTIONS, idleTimeoutMs: IDLE_TIMEOUT_MS };
  const sql = windowTotalsSql(column);
  const { plan } = planQuery(sql, serviceCatalog({ clicks: input }), options);
  expect(stageCount(plan)).toBe(stages);
  const topics = queryTopics(uniqueName('idle'));
  const running = await runQuery({
    kafka,
    plan,
    inputTopic: input,
    topics,
    stateDir: mkdtempSync(join(tmpdir(), 'sp-idle-')),
    mode: 'exactly-once',
    groupId: uniqueName('idle_group'),
  });
  try {
    const expected = canonical(batchWindowTotals(messages, column));
    expect(expected.length).toBeGreaterThan(10);
    await eventually(
      async () => {
        const results = await readEvents(kafka, topics.results);
        expect(canonical(results.map((event) => event.data))).toEqual(expected);
        expect(new Set(results.map((event) => event.id)).size).toBe(results.length);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(await readEvents(kafka, topics.late)).toEqual([]);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return { input, topics, running };
}

describe('a 3-partition input where one partition never gets an event', () => {
  it('one stage (grouped by the key it is partitioned by): every final window', async () => {
    const { running } = await finalWindowsWithEmptyPartition('user', 1);
    await running.stop();
  });

  it('after a repartition: the empty partition is announced idle, every final window', async () => {
    const { input, topics, running } = await finalWindowsWithEmptyPartition('page', 2);
    try {
      // The partition wakes up with a click of a window the others closed long ago: it goes to
      // the late topic with the reason, never silently dropped.
      const old = { user: 'u2', page: '/p1', country: 'NL', amount: 1, ts: 1_700_000_000_500 };
      await produce(kafka, input, [{ partition: 2, key: 'u2', value: JSON.stringify(old) }]);
      await eventually(
        async () => {
          const late = await readEvents(kafka, topics.late);
          expect(late.map((event) => event.data)).toEqual([
            { row: old, time: old.ts, reason: expect.any(String) as string },
          ]);
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    } finally {
      await running.stop();
    }
  });
});
