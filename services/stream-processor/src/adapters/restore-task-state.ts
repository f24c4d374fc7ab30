import { readToEnd } from '@scale-models/kafka';
import type { Kafka } from 'kafkajs';
import { planRestore } from '../domain/restore-plan.ts';
import type { RestorePlan } from '../domain/restore-plan.ts';
import type { StateChange, TaskState } from './lmdb-state.ts';

/** How many changelog records to apply per LMDB transaction while restoring. */
const RESTORE_BATCH = 5_000;

/** Kafka's default `delete.retention.ms`, which our compacted changelogs keep. */
const TOMBSTONE_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface RestoreReport {
  partition: number;
  kind: RestorePlan['kind'];
  /** Why the local state could not be reused (full rebuilds only). */
  reason?: string;
  /** Changelog records applied. */
  records: number;
}

/**
 * Brings a task's local state up to its committed changelog partition: the tail beyond the
 * state's checkpoint when it can be trusted, else everything after wiping it. Runs after the
 * task's producer fenced its predecessor (on every topic the task reads), so no transaction is
 * left open on the changelog.
 */
export async function restoreTaskState(
  kafka: Kafka,
  changelog: string,
  partition: number,
  state: TaskState,
  generation: string,
): Promise<RestoreReport> {
  const { low, high } = await partitionOffsets(kafka, changelog, partition);
  const now = Date.now();
  const plan = planRestore(state.checkpoint(), {
    generation,
    low,
    high,
    now,
    tombstoneRetentionMs: TOMBSTONE_RETENTION_MS,
  });
  if (plan.kind === 'full') state.clear();
  // Each batch moves the checkpoint past its last record: a crash mid-restore resumes there.
  let batch: StateChange[] = [];
  let records = 0;
  await readToEnd(kafka, changelog, {
    partitions: [partition],
    startOffsets: { [partition]: plan.kind === 'incremental' ? plan.from : low },
    onMessage: (message) => {
      records += 1;
      batch.push([
        message.key!,
        message.value === null ? undefined : JSON.parse(message.value.toString()),
      ]);
      if (batch.length >= RESTORE_BATCH) {
        const next = (BigInt(message.offset) + 1n).toString();
        state.restore(batch, { generation, changelogOffset: next, writtenAt: now });
        batch = [];
      }
    },
  });
  state.restore(batch, { generation, changelogOffset: high, writtenAt: now });
  return plan.kind === 'full'
    ? { partition, kind: 'full', reason: plan.reason, records }
    : { partition, kind: 'incremental', records };
}

async function partitionOffsets(kafka: Kafka, topic: string, partition: number) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const found = offsets.find((offset) => offset.partition === partition);
    if (found === undefined) throw new Error(`${topic} has no partition ${partition}`);
    return { low: found.low, high: found.high };
  } finally {
    await admin.disconnect();
  }
}
