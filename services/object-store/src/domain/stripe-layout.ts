/**
 * How a segment's bytes are cut into stripes. A full stripe holds k blocks of `blockSize`
 * bytes, block i on data shard i; the tail stripe holds the remaining r bytes as k blocks of
 * ceil(r / k) bytes, zero-padded. So every shard of a segment has the same length and shard
 * offsets follow from the stripe index alone, which is what lets a ranged read fetch only the
 * stripes it needs.
 */
export interface SegmentLayout {
  size: number;
  dataShards: number;
  blockSize: number;
}

export interface Stripe {
  index: number;
  /** Offset of the stripe's first data byte within the segment. */
  offset: number;
  /** Data bytes in the stripe (without padding). */
  size: number;
  /** Bytes of this stripe on each shard. */
  blockLength: number;
  /** Offset of this stripe's block within each shard. */
  shardOffset: number;
}

export function stripeCount({ size, dataShards, blockSize }: SegmentLayout): number {
  return Math.ceil(size / (dataShards * blockSize));
}

export function stripeAt(layout: SegmentLayout, index: number): Stripe {
  const { size, dataShards, blockSize } = layout;
  const stripeBytes = dataShards * blockSize;
  const offset = index * stripeBytes;
  if (!Number.isInteger(index) || index < 0 || offset >= size) {
    throw new RangeError(`stripe ${index} is outside a segment of ${size} bytes`);
  }
  const bytes = Math.min(stripeBytes, size - offset);
  return {
    index,
    offset,
    size: bytes,
    blockLength: Math.ceil(bytes / dataShards),
    shardOffset: index * blockSize,
  };
}

export function shardLength(layout: SegmentLayout): number {
  const count = stripeCount(layout);
  if (count === 0) return 0;
  const tail = stripeAt(layout, count - 1);
  return tail.shardOffset + tail.blockLength;
}

/** The stripes holding segment bytes `start` to `end` inclusive. */
export function stripesCovering(layout: SegmentLayout, start: number, end: number): Stripe[] {
  if (start < 0 || end < start || end >= layout.size) {
    throw new RangeError(`bytes ${start}-${end} are outside a segment of ${layout.size} bytes`);
  }
  const stripeBytes = layout.dataShards * layout.blockSize;
  const stripes: Stripe[] = [];
  for (let index = Math.floor(start / stripeBytes); index * stripeBytes <= end; index += 1) {
    stripes.push(stripeAt(layout, index));
  }
  return stripes;
}
