import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, uniqueName } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../src/adapters/run-query.ts';
import { queryTopics, stageTopics } from '../../src/adapters/topics.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';
import { canonical, clickMessages, QUERY_OPTIONS } from '../support/clicks.ts';
import type { ClickMessage } from '../support/clicks.ts';
import {
  consumedAll,
  createInput,
  earliestOffsets,
  produce,
  readEvents,
  testKafka,
} from '../support/kafka.ts';
import { batchWindowTotals, windowTotalsSql, withoutFarLate } from '../support/window-totals.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

/** Each partition's first `count` messages, and the rest. */
function splitPerPartition(messages: ClickMessage[], count: number) {
  const seen = new Map<number, number>();
  const first: ClickMessage[] = [];
  const rest: ClickMessage[] = [];
  for (const message of messages) {
    const index = seen.get(message.partition) ?? 0;
    seen.set(message.partition, index + 1);
    (index < count ? first : rest).push(message);
  }
  return { first, rest };
}

describe('repartition topic purging', () => {
  it('deletes what the next stage committed; results exact, also after a restart', async () => {
    const input = await createInput(kafka, 3);
    const messages = withoutFarLate(clickMessages(3, 160, 17));
    const { first, rest } = splitPerPartition(messages, 100);
    const sql = windowTotalsSql('page');
    const { plan } = planQuery(sql, serviceCatalog({ clicks: input }), QUERY_OPTIONS);
    const topics = queryTopics(uniqueName('purge'));
    const { repartition } = stageTopics(topics, 1);
    const groupId = uniqueName('purge_group');
    const stateDir = mkdtempSync(join(tmpdir(), 'sp-purge-'));
    const deploy = () =>
      runQuery({
        kafka,
        plan,
        inputTopic: input,
        topics,
        stateDir,
        mode: 'exactly-once',
        groupId,
        maxMessagesPerTransaction: 20,
        repartitionPurgeIntervalMs: 200,
      });

    await produce(kafka, input, first);
    const before = await deploy();
    try {
      // Every partition gets records or at least the watermarks, so every one is purged.
      await eventually(
        async () => {
          for (const low of await earliestOffsets(kafka, repartition))
            expect(low).toBeGreaterThan(0);
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    } finally {
      await before.stop();
    }
    const purged = await earliestOffsets(kafka, repartition);

    // The restart resumes at the committed offsets, which the purge never passed.
    await produce(kafka, input, rest);
    const after = await deploy();
    try {
      await consumedAll(kafka, groupId, input);
      await consumedAll(kafka, `${groupId}-stage-1`, repartition, { transactional: true });
      await eventually(
        async () => {
          const lows = await earliestOffsets(kafka, repartition);
          lows.forEach((low, partition) => expect(low).toBeGreaterThan(purged[partition]!));
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    } finally {
      await after.stop();
    }

    const results = await readEvents(kafka, topics.results);
    const expected = batchWindowTotals(messages, 'page');
    expect(expected.length).toBeGreaterThan(20);
    expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected));
    expect(new Set(results.map((event) => event.id)).size).toBe(results.length);
    expect(await readEvents(kafka, topics.late)).toEqual([]);
  });
});
