/**
 * Which input partitions of a stage went quiet: nothing read from them for the idle timeout
 * (processing time), counted from their last message or, for one that never sent any, from
 * when this process was assigned it. The stage's upstream tasks announce these downstream
 * (Flink's `withIdleness`, Kafka Streams' `max.task.idle.ms`), once per quiet spell.
 */
export interface IdlePartitions {
  /** The partitions this process now owns; the clock of a newly owned one starts now. */
  assigned(partitions: number[], now: number): void;
  /** A message was read from the partition: it is active (again). */
  heard(partition: number, now: number): void;
  /** Owned partitions quiet for the timeout and not announced since their last message. */
  quiet(now: number): number[];
  /**
   * Their idleness, found at `quietAt`, reached downstream: they are not reported again until
   * they send. One that sent meanwhile stays active (its announcement is already outdated).
   */
  announced(partitions: number[], quietAt: number): void;
}

interface Activity {
  lastInputAt: number;
  announced: boolean;
}

export function createIdlePartitions(idleTimeoutMs: number): IdlePartitions {
  const owned = new Map<number, Activity>();
  return {
    assigned(partitions, now) {
      const kept = new Set(partitions);
      for (const partition of owned.keys()) if (!kept.has(partition)) owned.delete(partition);
      for (const partition of partitions) {
        if (!owned.has(partition)) owned.set(partition, { lastInputAt: now, announced: false });
      }
    },
    heard(partition, now) {
      // Called for every message: update in place, no allocation.
      const activity = owned.get(partition);
      if (activity === undefined) return;
      activity.lastInputAt = now;
      activity.announced = false;
    },
    quiet(now) {
      return [...owned]
        .filter(
          ([, { lastInputAt, announced }]) => !announced && now - lastInputAt >= idleTimeoutMs,
        )
        .map(([partition]) => partition);
    },
    announced(partitions, quietAt) {
      for (const partition of partitions) {
        const activity = owned.get(partition);
        if (activity !== undefined && quietAt - activity.lastInputAt >= idleTimeoutMs)
          activity.announced = true;
      }
    },
  };
}
