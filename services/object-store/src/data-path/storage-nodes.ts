import type { StorageNodeClient } from '../adapters/storage-node-client.ts';

/** The storage nodes a gateway knows, by node id (the name placement hashes). */
export type StorageNodes = ReadonlyMap<string, StorageNodeClient>;

/** Shard `index` of segment `segmentId` is stored under this id on its node. */
export function shardIdOf(segmentId: string, index: number): string {
  return `${segmentId}.${index}`;
}

/**
 * Deletes every shard of a segment, best effort: a shard a node cannot delete now (it is down)
 * has no segment row any more, so the cleaner takes it later as an orphan.
 */
export async function deleteSegmentShards(
  segment: { id: string; nodes: readonly string[] },
  nodes: StorageNodes,
): Promise<void> {
  await Promise.all(
    segment.nodes.map(async (nodeId, index) => {
      await nodes
        .get(nodeId)
        ?.deleteShard(shardIdOf(segment.id, index))
        .catch(() => undefined);
    }),
  );
}
