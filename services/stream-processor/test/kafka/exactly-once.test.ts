import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEAD_LETTER_HEADERS, readToEnd } from '@scale-models/kafka';
import { runQuery } from '../../src/adapters/run-query.ts';
import type { DeliveryMode } from '../../src/adapters/run-query.ts';
import { eventually, uniqueName } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryTopics } from '../../src/adapters/topics.ts';
import { planQuery } from '../../src/sql/plan-query.ts';
import { serviceCatalog } from '../../src/streams.ts';
import {
  canonical,
  clickMessages,
  expectedOutputs,
  PAGE_VIEWS_SQL,
  POISON,
  QUERY_OPTIONS,
} from '../support/clicks.ts';
import { scratchWithProgress, startFixture } from '../support/fixture.ts';
import { consumedAll, createInput, produce, readEvents, testKafka } from '../support/kafka.ts';

let kafka: Kafka;
let brokers: string[];

beforeAll(async () => {
  ({ kafka, brokers } = await testKafka());
});

describe('exactly-once windows on Kafka', () => {
  it('a task killed with SIGKILL mid-transaction and restarted gives the uninterrupted results, once each', async () => {
    const input = await createInput(kafka, 3);
    const messages = clickMessages(3, 160);
    await produce(kafka, input, messages);
    const query = uniqueName('pv');
    const topics = queryTopics(query);
    const { folder, progress, marks: decoded } = scratchWithProgress('sp-eos-');
    const restores = join(folder, 'restores.jsonl');
    const env = {
      BROKERS: brokers.join(','),
      INPUT: input,
      QUERY: query,
      GROUP: uniqueName('pv_group'),
      STATE_DIR: join(folder, 'state'),
      SQL: PAGE_VIEWS_SQL,
      PROGRESS_FILE: progress,
      MODE: 'exactly-once',
      CHUNK: '40',
      WORK_MS: '4',
      RESTORE_FILE: restores,
    };

    const doomed = startFixture('query-process', env);
    // Well into the work: chunks have committed (results, changelog, offsets) and one is open.
    await eventually(() => expect(decoded()).toBeGreaterThanOrEqual(150), { timeoutMs: 60_000 });
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    expect(decoded()).toBeLessThan(messages.length);
    const restoredBefore = readFileSync(restores, 'utf8').split('\n').filter(Boolean).length;

    // The successor restores state from the changelog and carries on from the committed offsets.
    const successor = startFixture('query-process', { ...env, WORK_MS: '0' });
    try {
      await consumedAll(kafka, env.GROUP, input);
    } finally {
      successor.process.kill('SIGTERM');
      await successor.exited;
    }

    const plan = planQuery(PAGE_VIEWS_SQL, serviceCatalog({ clicks: input }), QUERY_OPTIONS).plan;
    const expected = expectedOutputs(plan, messages);
    const results = await readEvents(kafka, topics.results);
    expect(expected.results.length).toBeGreaterThan(20);
    expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected.results));
    expect(new Set(results.map((event) => event.id)).size).toBe(results.length);
    // Late events went to the side output, once each; nothing was dropped silently.
    const late = await readEvents(kafka, topics.late);
    expect(expected.late.length).toBeGreaterThan(0);
    expect(canonical(late.map((event) => (event.data as { row: unknown }).row))).toEqual(
      canonical(expected.late),
    );
    // Poison reached the dead-letter topic exactly once each, with its error code.
    const dead = await readToEnd(kafka, `${input}.dlq`);
    expect(dead.map((m) => m.value?.toString()).sort()).toEqual([...POISON].sort());
    expect(dead.map((m) => m.headers[DEAD_LETTER_HEADERS.errorCode]).sort()).toEqual(
      ['event.malformed_json', 'event.missing_timestamp', 'event.wrong_type'].sort(),
    );
    // The successor redid the killed task's uncommitted chunk.
    expect(decoded()).toBeGreaterThan(messages.length);
    // It reused the killed task's local LMDB state (same folder), replaying only the changelog
    // beyond its checkpoint: what the open transaction had changed was never in it.
    const successorRestores = readFileSync(restores, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(restoredBefore)
      .map((line) => JSON.parse(line) as { kind: string; reason?: string });
    expect(successorRestores.some((report) => report.kind === 'incremental')).toBe(true);
    for (const report of successorRestores.filter((r) => r.kind === 'full')) {
      expect(report.reason).toBe('no local state');
    }
  });

  it('a rebalance while windows are open moves state through the changelog: same results', async () => {
    const input = await createInput(kafka, 3);
    const messages = clickMessages(3, 120, 7);
    const cut = (m: (typeof messages)[number], i: number) =>
      i - messages.findIndex((n) => n.partition === m.partition) < 70;
    const first = messages.filter(cut);
    await produce(kafka, input, first);
    const plan = planQuery(PAGE_VIEWS_SQL, serviceCatalog({ clicks: input }), QUERY_OPTIONS).plan;
    const query = uniqueName('pv_rebalance');
    const deploy = (mode: DeliveryMode, groupId: string, name = query) =>
      runQuery({
        kafka,
        plan,
        inputTopic: input,
        topics: queryTopics(name),
        stateDir: mkdtempSync(join(tmpdir(), 'sp-')),
        mode,
        groupId,
        maxMessagesPerTransaction: 25,
      });
    const groupId = uniqueName('pv_group');
    const a = await deploy('exactly-once', groupId);
    const b = await (async () => {
      await consumedAll(kafka, groupId, input);
      // A second member joins with windows open: partitions and their state move to it.
      return deploy('exactly-once', groupId);
    })();
    try {
      await produce(
        kafka,
        input,
        messages.filter((m, i) => !cut(m, i)),
      );
      await consumedAll(kafka, groupId, input);
      // B continued windows A had opened, from the state A's changelog held.
      expect(b.tasks.restoredRecords()).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const expected = expectedOutputs(plan, messages);
    const results = await readEvents(kafka, queryTopics(query).results);
    expect(canonical(results.map((event) => event.data))).toEqual(canonical(expected.results));
  });

  it('the at-least-once mode gives the same results when nothing crashes', async () => {
    const input = await createInput(kafka, 2);
    const messages = clickMessages(2, 80, 3);
    await produce(kafka, input, messages);
    const plan = planQuery(PAGE_VIEWS_SQL, serviceCatalog({ clicks: input }), QUERY_OPTIONS).plan;
    const query = uniqueName('pv_alo');
    const groupId = uniqueName('pv_alo_group');
    const running = await runQuery({
      kafka,
      plan,
      inputTopic: input,
      topics: queryTopics(query),
      stateDir: mkdtempSync(join(tmpdir(), 'sp-')),
      mode: 'at-least-once',
      groupId,
    });
    try {
      await consumedAll(kafka, groupId, input);
    } finally {
      await running.stop();
    }
    const results = await readEvents(kafka, queryTopics(query).results);
    expect(canonical(results.map((event) => event.data))).toEqual(
      canonical(expectedOutputs(plan, messages).results),
    );
  });
});
