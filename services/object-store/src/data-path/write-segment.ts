import { v7 as uuidv7 } from 'uuid';
import type { ErasureCodec } from '@scale-models/erasure';
import type { ShardWriter } from '../adapters/storage-node-client.ts';
import type { Segment } from '../domain/object-version.ts';
import { placeShards } from '../domain/placement.ts';
import { writeQuorum } from '../domain/quorum.ts';
import { S3Error } from '../domain/s3-error.ts';
import { shardIdOf } from './storage-nodes.ts';
import type { StorageNodes } from './storage-nodes.ts';

export interface WriteSegmentOptions {
  codec: ErasureCodec;
  nodes: StorageNodes;
  /** Bytes of one shard per stripe: a stripe holds k blocks of this size. */
  blockSize: number;
}

/**
 * Streams `body` into a new erasure-coded segment: bytes fill a stripe of k blocks, the stripe
 * is encoded into m parity blocks, and the k+m blocks go to their nodes while the next stripe
 * is still arriving. Memory is a few stripes whatever the size. Returns the segment once a
 * write quorum of shards is durable, or `undefined` for an empty body. Throws 503 (nothing
 * visible; the shards written so far are orphans for the cleaner) when too few nodes take it.
 */
export async function writeSegment(
  body: AsyncIterable<Uint8Array>,
  { codec, nodes, blockSize }: WriteSegmentOptions,
): Promise<Segment | undefined> {
  const { dataShards: k, parityShards: m } = codec;
  const id = uuidv7();
  const placement = placeShards(id, [...nodes.keys()], k + m);
  const shards = new ShardFanOut(id, placement, nodes, writeQuorum(k, m));
  const stripeBytes = k * blockSize;
  let stripe = Buffer.allocUnsafe(stripeBytes);
  let filled = 0;
  let size = 0;
  try {
    for await (const chunk of body) {
      for (let used = 0; used < chunk.length;) {
        const take = Math.min(chunk.length - used, stripeBytes - filled);
        stripe.set(chunk.subarray(used, used + take), filled);
        filled += take;
        used += take;
        if (filled === stripeBytes) {
          // A fresh buffer per stripe: the sockets may still hold the previous one.
          await shards.write(encodeStripe(codec, stripe, blockSize));
          stripe = Buffer.allocUnsafe(stripeBytes);
          size += filled;
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      const blockLength = Math.ceil(filled / k);
      const tail = Buffer.alloc(k * blockLength);
      stripe.copy(tail, 0, 0, filled);
      await shards.write(encodeStripe(codec, tail, blockLength));
      size += filled;
    }
    if (size === 0) {
      shards.abort();
      return undefined;
    }
    await shards.end();
  } catch (error) {
    shards.abort();
    throw error;
  }
  return { id, size, dataShards: k, parityShards: m, blockSize, nodes: placement };
}

function encodeStripe(codec: ErasureCodec, stripe: Buffer, blockLength: number): Uint8Array[] {
  const data = Array.from({ length: codec.dataShards }, (_, i) =>
    stripe.subarray(i * blockLength, (i + 1) * blockLength),
  );
  return [...data, ...codec.encode(data)];
}

/** One writer per shard; a writer that fails drops out, the write lives while a quorum does. */
class ShardFanOut {
  private readonly writers: (ShardWriter | undefined)[];
  private readonly quorum: number;

  constructor(segmentId: string, placement: string[], nodes: StorageNodes, quorum: number) {
    this.quorum = quorum;
    this.writers = placement.map((nodeId, index) =>
      nodes.get(nodeId)?.openShardWriter(shardIdOf(segmentId, index)),
    );
  }

  async write(blocks: Uint8Array[]): Promise<void> {
    await Promise.all(
      blocks.map(async (block, index) => {
        try {
          await this.writers[index]?.write(block);
        } catch {
          this.drop(index);
        }
      }),
    );
    this.requireQuorum();
  }

  async end(): Promise<void> {
    await Promise.all(
      this.writers.map(async (writer, index) => {
        try {
          await writer?.end();
        } catch {
          this.drop(index);
        }
      }),
    );
    this.requireQuorum();
  }

  abort(): void {
    this.writers.forEach((_, index) => this.drop(index));
  }

  private drop(index: number): void {
    this.writers[index]?.abort();
    this.writers[index] = undefined;
  }

  private requireQuorum(): void {
    const alive = this.writers.filter((writer) => writer !== undefined).length;
    if (alive >= this.quorum) return;
    this.abort();
    throw new S3Error(
      'ServiceUnavailable',
      `Only ${alive} storage nodes took the write; ${this.quorum} are needed. Nothing was stored.`,
    );
  }
}
