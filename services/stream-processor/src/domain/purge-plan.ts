export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * How far each partition of a repartition topic may be deleted: up to the offset its consuming
 * group has committed (the stage never reads below it again: a restart or a rebalance resumes
 * there), and only where that is past the partition's earliest offset. A partition without a
 * committed offset (`-1`) keeps everything.
 */
export function planPurge(
  committed: PartitionOffset[],
  earliest: PartitionOffset[],
): PartitionOffset[] {
  const low = new Map(earliest.map(({ partition, offset }) => [partition, BigInt(offset)]));
  return committed.filter(({ partition, offset }) => {
    const start = low.get(partition);
    return start !== undefined && BigInt(offset) > start;
  });
}
