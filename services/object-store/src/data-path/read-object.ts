import type { Segment } from '../domain/object-version.ts';
import { stripesCovering } from '../domain/stripe-layout.ts';
import type { Stripe } from '../domain/stripe-layout.ts';
import { ShardWindowReader } from './shard-window-reader.ts';
import type { ShardWindowReaderOptions } from './shard-window-reader.ts';

export interface ReadObjectOptions extends ShardWindowReaderOptions {
  /** Shard bytes fetched per shard per round trip; memory is about 2·k times this. */
  windowBytes: number;
}

/**
 * Streams bytes `start` to `end` (inclusive) of an object made of `segments`, fetching only
 * the stripes that hold them, one window ahead of the consumer.
 */
export async function* readObject(
  segments: readonly Segment[],
  start: number,
  end: number,
  options: ReadObjectOptions,
): AsyncGenerator<Buffer> {
  let segmentStart = 0;
  for (const segment of segments) {
    const segmentEnd = segmentStart + segment.size - 1;
    if (segmentEnd >= start && segmentStart <= end) {
      yield* readSegment(
        segment,
        Math.max(start, segmentStart) - segmentStart,
        Math.min(end, segmentEnd) - segmentStart,
        options,
      );
    }
    segmentStart += segment.size;
  }
}

async function* readSegment(
  segment: Segment,
  start: number,
  end: number,
  options: ReadObjectOptions,
): AsyncGenerator<Buffer> {
  const reader = new ShardWindowReader(segment, options);
  const windows = windowsOf(stripesCovering(segment, start, end), options.windowBytes);
  const dataShards = Array.from({ length: segment.dataShards }, (_, i) => i);
  const fetchWindow = (stripes: Stripe[]) =>
    reader.read(stripes[0]!.shardOffset, shardEnd(stripes), dataShards);
  let pending = windows[0] === undefined ? undefined : fetchWindow(windows[0]);
  for (let w = 0; w < windows.length; w += 1) {
    const stripes = windows[w]!;
    const blocks = await pending!;
    const following = windows[w + 1];
    pending = following === undefined ? undefined : fetchWindow(following);
    // Keep the prefetch from becoming an unhandled rejection if the consumer stops early.
    pending?.catch(() => undefined);
    for (const stripe of stripes) {
      const bytes = stripeBytes(stripe, blocks, stripes[0]!.shardOffset);
      const from = Math.max(start - stripe.offset, 0);
      const to = Math.min(end - stripe.offset + 1, stripe.size);
      yield bytes.subarray(from, to);
    }
  }
}

/** Consecutive stripes grouped so each group spans at most `windowBytes` of every shard. */
function windowsOf(stripes: Stripe[], windowBytes: number): Stripe[][] {
  const windows: Stripe[][] = [];
  for (const stripe of stripes) {
    const current = windows.at(-1);
    if (
      current !== undefined &&
      shardEnd([...current, stripe]) - current[0]!.shardOffset <= windowBytes
    ) {
      current.push(stripe);
    } else {
      windows.push([stripe]);
    }
  }
  return windows;
}

function shardEnd(stripes: Stripe[]): number {
  const last = stripes.at(-1)!;
  return last.shardOffset + last.blockLength;
}

/** A stripe's data: its block from each data shard, in order, without the tail's padding. */
function stripeBytes(stripe: Stripe, blocks: Uint8Array[], windowStart: number): Buffer {
  const offset = stripe.shardOffset - windowStart;
  const parts = blocks.map((block) => block.subarray(offset, offset + stripe.blockLength));
  return Buffer.concat(parts).subarray(0, stripe.size);
}
