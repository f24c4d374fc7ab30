/**
 * What a task's local state says it reflects, written in the same LMDB transaction as the
 * state itself: state and checkpoint can never disagree, whatever moment a crash picks.
 */
export interface StateCheckpoint {
  /** Whose state this is: the query, its consumer group and changelog partition. */
  generation: string;
  /** The next changelog offset: every committed record before it is in the local state. */
  changelogOffset: string;
  /** Wall-clock time it was written. */
  writtenAt: number;
}

/** The task's changelog partition as the broker has it now. */
export interface ChangelogPartition {
  generation: string;
  /** Log start and end offsets (the end counts transaction markers). */
  low: string;
  high: string;
  now: number;
  /**
   * How long compaction keeps tombstones (`delete.retention.ms`): a checkpoint older than that
   * may have missed deletes that compaction has since erased from the tail.
   */
  tombstoneRetentionMs: number;
}

export type RestorePlan = { kind: 'incremental'; from: string } | { kind: 'full'; reason: string };

/**
 * Replay only the changelog tail beyond the checkpoint when the local state is provably a
 * prefix of the committed changelog; otherwise wipe it and rebuild from the start. Aborted
 * transactions never reach local state (it is written only after Kafka committed), so a
 * checkpoint is never ahead of committed records unless the changelog itself was replaced.
 */
export function planRestore(
  checkpoint: StateCheckpoint | undefined,
  changelog: ChangelogPartition,
): RestorePlan {
  if (checkpoint === undefined) return { kind: 'full', reason: 'no local state' };
  if (checkpoint.generation !== changelog.generation) {
    return { kind: 'full', reason: 'local state of another generation' };
  }
  const from = BigInt(checkpoint.changelogOffset);
  if (from > BigInt(changelog.high)) {
    return { kind: 'full', reason: 'local state ahead of the changelog' };
  }
  if (from < BigInt(changelog.low)) {
    return { kind: 'full', reason: 'changelog truncated beyond the local state' };
  }
  if (changelog.now - checkpoint.writtenAt > changelog.tombstoneRetentionMs) {
    return { kind: 'full', reason: 'local state older than the tombstone retention' };
  }
  return { kind: 'incremental', from: checkpoint.changelogOffset };
}
