import type { Segment } from '../domain/object-version.ts';
import { S3Error } from '../domain/s3-error.ts';
import { shardLength } from '../domain/stripe-layout.ts';
import { codecFor } from './codecs.ts';
import { shardIdOf } from './storage-nodes.ts';
import type { StorageNodes } from './storage-nodes.ts';

export interface ShardWindowReaderOptions {
  nodes: StorageNodes;
  /** Called once per segment read that had to rebuild shards from parity. */
  onDegraded?: (segment: Segment, failedShards: number[]) => void;
}

/**
 * Reads windows of shard bytes from a segment, rebuilding what is missing. Reed-Solomon works
 * byte position by byte position, so the shard files themselves are codewords: any window
 * [a, b) of k shards rebuilds the same window of the others, whatever the stripes inside it.
 * Data shards are asked first (no decoding when they answer, the code being systematic);
 * a shard that fails (node down, shard missing, a block's checksum wrong) is not asked again
 * during this read, and parity shards stand in for it.
 */
export class ShardWindowReader {
  readonly segment: Segment;
  readonly shardLength: number;
  private readonly options: ShardWindowReaderOptions;
  private readonly failed = new Set<number>();
  private reportedDegraded = false;

  constructor(segment: Segment, options: ShardWindowReaderOptions) {
    this.segment = segment;
    this.options = options;
    this.shardLength = shardLength(segment);
  }

  /** Shard bytes [start, end) of every shard in `wanted` (all shards by default). */
  async read(start: number, end: number, wanted = this.allShards()): Promise<Uint8Array[]> {
    const { dataShards: k, parityShards: m } = this.segment;
    const present = Array.from<Uint8Array | undefined>({ length: k + m });
    let next = 0;
    const order = this.readOrder(wanted);
    while (present.filter(Boolean).length < k) {
      const needed = k - present.filter(Boolean).length;
      const batch = order.slice(next, next + needed);
      if (batch.length === 0) throw this.unreadable();
      next += batch.length;
      await Promise.all(
        batch.map(async (index) => {
          present[index] = await this.fetch(index, start, end);
        }),
      );
    }
    const complete = wanted.every((index) => present[index] !== undefined)
      ? present
      : this.rebuild(present);
    return wanted.map((index) => complete[index]!);
  }

  private allShards(): number[] {
    return Array.from({ length: this.segment.dataShards + this.segment.parityShards }, (_, i) => i);
  }

  /** Wanted shards first, then the rest; shards that failed earlier in this read last (never). */
  private readOrder(wanted: number[]): number[] {
    const rest = this.allShards().filter((index) => !wanted.includes(index));
    return [...wanted, ...rest].filter((index) => !this.failed.has(index));
  }

  private async fetch(index: number, start: number, end: number): Promise<Uint8Array | undefined> {
    const client = this.options.nodes.get(this.segment.nodes[index]!);
    try {
      if (client === undefined) throw new Error(`unknown node ${this.segment.nodes[index]}`);
      if (end === start) return new Uint8Array(0);
      const bytes = await client.readShard(shardIdOf(this.segment.id, index), {
        offset: start,
        length: end - start,
      });
      if (bytes.length !== end - start) throw new Error(`shard ${index} is too short`);
      return bytes;
    } catch {
      this.failed.add(index);
      return undefined;
    }
  }

  private rebuild(present: (Uint8Array | undefined)[]): Uint8Array[] {
    if (!this.reportedDegraded) {
      this.reportedDegraded = true;
      this.options.onDegraded?.(this.segment, [...this.failed]);
    }
    return codecFor(this.segment).reconstruct(present);
  }

  private unreadable(): S3Error {
    const { dataShards: k } = this.segment;
    return new S3Error(
      'ServiceUnavailable',
      `Fewer than ${k} shards of the object are readable right now (read quorum lost).`,
    );
  }
}
