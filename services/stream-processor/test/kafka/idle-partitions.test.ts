import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pace } from 'node:timers/promises';
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
import type { ClickMessage } from '../support/clicks.ts';
import { createInput, produce, readEvents, testKafka } from '../support/kafka.ts';
import { batchWindowTotals, windowTotalsSql, withoutFarLate } from '../support/window-totals.ts';
import type { ClickColumn } from '../support/window-totals.ts';

// Partitions 0 and 1 are written a slice every PACE_MS, well within the idle timeout, so only
// partition 2 goes quiet while they are written.
const IDLE_TIMEOUT_MS = 3_000;
const SLICE = 10;
const PACE_MS = 500;

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

/** Each partition's messages in slices of SLICE: slice k holds the k-th SLICE of each. */
function slices(messages: ClickMessage[]): ClickMessage[][] {
  const seen = new Map<number, number>();
  const sliced: ClickMessage[][] = [];
  for (const message of messages) {
    const index = seen.get(message.partition) ?? 0;
    seen.set(message.partition, index + 1);
    (sliced[Math.floor(index / SLICE)] ??= []).push(message);
  }
  return sliced;
}

interface Deployed {
  input: string;
  topics: QueryTopics;
  running: RunningQuery;
}

/**
 * Clicks on partitions 0 and 1 of a 3-partition topic, none ever on partition 2. They are
 * written a slice at a time until the first window result shows up (while partitions 0 and 1
 * are still being written, so partition 2 alone is left out), then the rest with a closer far
 * ahead per partition; the query runs until every final window equals the batch answer.
 */
async function finalWindowsWithEmptyPartition(
  column: ClickColumn,
  stages: number,
): Promise<Deployed> {
  const input = await createInput(kafka, 3);
  const messages = withoutFarLate(clickMessages(3, 200, 5)).filter((m) => m.partition !== 2);
  const closers = [...new Map(messages.map((m) => [m.partition, m])).values()];
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
    const steady = slices(messages.filter((m) => !closers.includes(m)));
    // The result topic was just created: it answers NOT_LEADER until its leader is elected.
    await eventually(() => readEvents(kafka, topics.results));
    let written = 0;
    while (written < steady.length && (await readEvents(kafka, topics.results)).length === 0) {
      await produce(kafka, input, steady[written]!);
      written += 1;
      await pace(PACE_MS); // a steady source, not a wait for a condition
    }
    expect(written).toBeLessThan(steady.length);
    await produce(kafka, input, [...steady.slice(written).flat(), ...closers]);

    const expected = canonical(batchWindowTotals(messages, column));
    expect(expected.length).toBeGreaterThan(20);
    await eventually(
      async () => {
        const results = await readEvents(kafka, topics.results);
        expect(canonical(results.map((event) => event.data))).toEqual(expected);
        expect(new Set(results.map((event) => event.id)).size).toBe(results.length);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
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
        { timeoutMs: 15_000, intervalMs: 500 },
      );
    } finally {
      await running.stop();
    }
  });
});
