import type pg from 'pg';
import {
  deleteSegmentIfUnreferenced,
  existingSegmentIds,
  listUnreferencedSegments,
} from '../adapters/metadata/segments.ts';
import { deleteSegmentShards } from '../data-path/storage-nodes.ts';
import type { StorageNodes } from '../data-path/storage-nodes.ts';

const BATCH = 200;

/**
 * Frees the shards of segments nothing references any more (deleted or overwritten
 * versions, aborted uploads, replaced parts). The row goes first: if a node is down, its
 * shard stays behind as an orphan, and `removeOrphanShards` takes it later.
 */
export async function removeGarbageSegments(pool: pg.Pool, nodes: StorageNodes): Promise<number> {
  let removed = 0;
  for (;;) {
    const segments = await listUnreferencedSegments(pool, BATCH);
    for (const segment of segments) {
      if (!(await deleteSegmentIfUnreferenced(pool, segment.id))) continue;
      removed += 1;
      await deleteSegmentShards(segment, nodes);
    }
    if (segments.length < BATCH) return removed;
  }
}

/**
 * Deletes shards whose segment has no row: left by a gateway that died between writing the
 * shards and committing, or by garbage collection that found a node down. `graceMs` spares
 * shards that are just now being committed.
 */
export async function removeOrphanShards(
  pool: pg.Pool,
  nodes: StorageNodes,
  graceMs: number,
): Promise<number> {
  let removed = 0;
  const cutoff = Date.now() - graceMs;
  for (const client of nodes.values()) {
    let after: string | undefined;
    do {
      const page = await client.listShards({ after, limit: BATCH }).catch(() => undefined);
      if (page === undefined) break; // node down: next pass
      const segmentIds = [...new Set(page.shards.map(({ id }) => segmentIdOf(id)))];
      const existing = await existingSegmentIds(pool, segmentIds);
      for (const shard of page.shards) {
        if (existing.has(segmentIdOf(shard.id)) || shard.modifiedAt.getTime() > cutoff) continue;
        await client.deleteShard(shard.id);
        removed += 1;
      }
      after = page.next;
    } while (after !== undefined);
  }
  return removed;
}

function segmentIdOf(shardId: string): string {
  return shardId.slice(0, shardId.lastIndexOf('.'));
}
