import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { assertShardId, shardPrefix } from '../domain/shard-id.ts';

/**
 * The node's data folder: `shards/<2 hex>/<shardId>` for complete shards, `tmp/` for uploads
 * in progress. Both sit in the same folder, hence on the same filesystem, so moving a finished
 * upload into place is one atomic rename.
 */
export interface ShardPaths {
  shardsDir: string;
  tmpDir: string;
  shard(shardId: string): string;
  /** A fresh temp file name: concurrent uploads of one shard id never share a file. */
  temp(shardId: string): string;
}

export function createShardPaths(dataDir: string): ShardPaths {
  const shardsDir = join(dataDir, 'shards');
  const tmpDir = join(dataDir, 'tmp');
  return {
    shardsDir,
    tmpDir,
    shard(shardId) {
      // Checked here too, not only in the route schema: this is where an id becomes a path.
      assertShardId(shardId);
      return join(shardsDir, shardPrefix(shardId), shardId);
    },
    temp(shardId) {
      assertShardId(shardId);
      return join(tmpDir, `${shardId}.${randomUUID()}.tmp`);
    },
  };
}
