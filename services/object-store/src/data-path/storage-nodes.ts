import type { StorageNodeClient } from '../adapters/storage-node-client.ts';

/** The storage nodes a gateway knows, by node id (the name placement hashes). */
export type StorageNodes = ReadonlyMap<string, StorageNodeClient>;

/** Shard `index` of segment `segmentId` is stored under this id on its node. */
export function shardIdOf(segmentId: string, index: number): string {
  return `${segmentId}.${index}`;
}
