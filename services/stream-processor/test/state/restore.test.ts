import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTopics } from '@scale-models/kafka';
import { uniqueName } from '@scale-models/testkit';
import type { Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTaskState } from '../../src/adapters/lmdb-state.ts';
import { restoreTaskState } from '../../src/adapters/restore-task-state.ts';
import { testKafka } from '../support/kafka.ts';

let kafka: Kafka;

beforeAll(async () => {
  ({ kafka } = await testKafka());
});

async function changelogWith(records: [string, string | null][]): Promise<string> {
  const topic = uniqueName('sp_changelog');
  await ensureTopics(kafka, [{ topic, partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
  await append(topic, records);
  return topic;
}

async function append(topic: string, records: [string, string | null][]) {
  // Idempotent: a retried request must not append records twice (see `produce`).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, messages: records.map(([key, value]) => ({ key, value })) });
  await producer.disconnect();
}

const everything = (state: ReturnType<typeof openTaskState>) => state.store.range('', '~');

describe('restoring task state from its changelog', () => {
  it('replays only the tail beyond the local checkpoint, deletes included', async () => {
    const topic = await changelogWith([
      ['a', '1'],
      ['b', '2'],
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'sp-restore-')), 'state');
    const first = openTaskState(path);
    expect(await restoreTaskState(kafka, topic, 0, first, 'g')).toMatchObject({
      kind: 'full',
      reason: 'no local state',
      records: 2,
    });
    await first.close();

    await append(topic, [
      ['b', null],
      ['c', '3'],
    ]);
    const second = openTaskState(path);
    expect(await restoreTaskState(kafka, topic, 0, second, 'g')).toEqual({
      partition: 0,
      kind: 'incremental',
      records: 2,
    });
    expect(everything(second)).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    await second.close();
  });

  it('rebuilds from scratch local state that is ahead of the changelog or of another generation', async () => {
    const topic = await changelogWith([['a', '1']]);
    const path = join(mkdtempSync(join(tmpdir(), 'sp-restore-')), 'state');
    const state = openTaskState(path);
    await restoreTaskState(kafka, topic, 0, state, 'g');
    // State the changelog never committed, with a checkpoint beyond its end.
    state.store.put('ghost', 'from an aborted transaction');
    state.commit({ generation: 'g', changelogOffset: '99', writtenAt: Date.now() });
    expect(await restoreTaskState(kafka, topic, 0, state, 'g')).toMatchObject({
      kind: 'full',
      reason: 'local state ahead of the changelog',
    });
    expect(everything(state)).toEqual([['a', 1]]);

    state.store.put('ghost', 'of the previous deployment');
    state.commit();
    expect(await restoreTaskState(kafka, topic, 0, state, 'g2')).toMatchObject({
      kind: 'full',
      reason: 'local state of another generation',
    });
    expect(everything(state)).toEqual([['a', 1]]);
    await state.close();
  });
});
