import type { Segment } from '../domain/object-version.ts';
import { shardLength } from '../domain/stripe-layout.ts';
import { ShardWindowReader } from '../data-path/shard-window-reader.ts';
import { shardIdOf } from '../data-path/storage-nodes.ts';
import type { StorageNodes } from '../data-path/storage-nodes.ts';

export type ShardState = 'healthy' | 'missing' | 'corrupt' | 'unreachable';

export interface SegmentHealth {
  segment: Segment;
  states: ShardState[];
}

/** Asks every node to verify its shard of the segment (all block checksums, full length). */
export async function inspectSegment(
  segment: Segment,
  nodes: StorageNodes,
): Promise<SegmentHealth> {
  const states = await Promise.all(
    segment.nodes.map(async (nodeId, index): Promise<ShardState> => {
      const client = nodes.get(nodeId);
      if (client === undefined) return 'unreachable';
      try {
        const result = await client.verifyShard(shardIdOf(segment.id, index));
        if (result === undefined) return 'missing';
        return result.ok && result.length === shardLength(segment) ? 'healthy' : 'corrupt';
      } catch {
        return 'unreachable';
      }
    }),
  );
  return { segment, states };
}

export interface HealOptions {
  nodes: StorageNodes;
  windowBytes: number;
}

/**
 * Rebuilds the missing and corrupt shards of a segment from k good ones, window by window,
 * and writes each back to its own node (placement does not change). Shards on unreachable
 * nodes wait for a later pass. Returns the indexes it restored.
 */
export async function healSegment(health: SegmentHealth, options: HealOptions): Promise<number[]> {
  const { segment, states } = health;
  const broken = states.flatMap((state, index) =>
    state === 'missing' || state === 'corrupt' ? [index] : [],
  );
  if (broken.length === 0) return [];
  const reader = new ShardWindowReader(segment, { nodes: options.nodes });
  const writers = broken.map((index) =>
    options.nodes.get(segment.nodes[index]!)!.openShardWriter(shardIdOf(segment.id, index)),
  );
  try {
    for (let start = 0; start < reader.shardLength; start += options.windowBytes) {
      const end = Math.min(start + options.windowBytes, reader.shardLength);
      const rebuilt = await reader.read(start, end, broken);
      await Promise.all(writers.map((writer, i) => writer.write(rebuilt[i]!)));
    }
    await Promise.all(writers.map((writer) => writer.end()));
  } catch (error) {
    writers.forEach((writer) => writer.abort());
    throw error;
  }
  return broken;
}
