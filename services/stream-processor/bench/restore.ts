// State restore through Kafka: a changelog of RESTORE_MB of 1 KB state records read into a
// fresh LMDB task state (full rebuild), then, after 1 % more records, the same local state
// restored again: only the tail beyond its checkpoint is replayed (incremental).
// `node bench/restore.ts` with KAFKA_BROKERS set (RESTORE_MB, default 200).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createKafka, ensureTopics } from '@scale-models/kafka';
import Table from 'cli-table3';
import { openTaskState } from '../src/adapters/lmdb-state.ts';
import { restoreTaskState } from '../src/adapters/restore-task-state.ts';

const kafka = createKafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  clientId: 'sp-bench-restore',
});
const changelog = `stream-processor.bench-restore-${Date.now().toString(36)}.changelog.v1`;
const RESTORE_MB = Number(process.env.RESTORE_MB ?? 200);
await ensureTopics(kafka, [
  { topic: changelog, partitions: 1, config: { 'cleanup.policy': 'compact' } },
]);
/** Appends `mb` MB of 1 KB state records (keys from `first`) to the changelog. */
async function writeChangelog(first: number, mb: number) {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const value = JSON.stringify({ payload: 'x'.repeat(1_000) });
  for (let batch = 0; batch < mb; batch += 1) {
    const messages = Array.from({ length: 1_000 }, (_, i) => ({
      key: `key-${first + batch * 1_000 + i}`,
      value,
    }));
    await producer.send({ topic: changelog, acks: -1, messages });
  }
  await producer.disconnect();
}
/** Opens the task state at `path`, restores it from the changelog, and times it. */
async function timedRestore(path: string) {
  const state = openTaskState(path);
  const started = Date.now();
  const report = await restoreTaskState(kafka, changelog, 0, state, 'bench');
  const seconds = (Date.now() - started) / 1000;
  await state.close();
  return { ...report, seconds };
}
await writeChangelog(0, RESTORE_MB);
const statePath = join(mkdtempSync(join(tmpdir(), 'sp-restore-')), 'state');
const full = await timedRestore(statePath);
// A restart after 1 % more state changes: the local state replays only that tail.
const TAIL_MB = Math.max(1, Math.round(RESTORE_MB / 100));
await writeChangelog(RESTORE_MB * 1_000, TAIL_MB);
const incremental = await timedRestore(statePath);
// Hundreds of MB on a shared machine: the state and the changelog go once measured.
rmSync(dirname(statePath), { recursive: true, force: true });
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [changelog] });
await admin.disconnect();
const restoreTable = new Table({
  head: ['restore', 'kind', 'changelog', 'records replayed', 'seconds', 's per GB of state'],
});
for (const [name, result] of [
  ['full rebuild (no local state)', full],
  [`incremental (local state + ${TAIL_MB} MB tail)`, incremental],
] as const) {
  restoreTable.push([
    name,
    result.kind,
    `${RESTORE_MB + (result === incremental ? TAIL_MB : 0)} MB`,
    result.records.toLocaleString('en'),
    result.seconds.toFixed(2),
    ((result.seconds * 1024) / (RESTORE_MB + (result === incremental ? TAIL_MB : 0))).toFixed(1),
  ]);
}
console.log('state restore (1 KB records, one partition)');
console.log(restoreTable.toString());
