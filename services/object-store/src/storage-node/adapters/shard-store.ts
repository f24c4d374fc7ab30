import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { resolveRange } from '../domain/byte-range.ts';
import type { ByteRange, RangeRequest } from '../domain/byte-range.ts';
import { isShardCorrupt } from '../domain/shard-errors.ts';
import { ensureDir } from './durable-fs.ts';
import { listShards } from './list-shards.ts';
import type { ShardPage } from './list-shards.ts';
import { openShardFile } from './shard-file.ts';
import type { ShardFile } from './shard-file.ts';
import { createShardPaths } from './shard-paths.ts';
import { writeShard } from './write-shard.ts';
import type { WrittenShard } from './write-shard.ts';

export interface ShardStoreOptions {
  dataDir: string;
  blockSize: number;
  maxShardLength: number;
}

export interface ShardRead {
  /** The whole shard's length. */
  length: number;
  range: ByteRange;
  /** The range's bytes, every block checked; fails mid-way if a later block is corrupt. */
  body: Readable;
}

export interface ShardStat {
  length: number;
  modifiedAt: Date;
}

export interface VerifyReport {
  ok: boolean;
  /** Absent when the header is damaged: then the length is unknown too. */
  length?: number;
  corruptBlocks: number[];
  headerCorrupt: boolean;
}

/** The shards of one node, as files in its own data folder. */
export interface ShardStore {
  /** Creates the folders and deletes the temp files a crash left behind. Once, before serving. */
  prepare(): Promise<void>;
  put(shardId: string, source: AsyncIterable<Uint8Array>): Promise<WrittenShard>;
  /**
   * Opens a shard for streaming. The range's first block is checked before this resolves, so
   * a corrupt start is an error the caller can still answer with a status code.
   */
  read(shardId: string, range?: RangeRequest): Promise<ShardRead>;
  stat(shardId: string): Promise<ShardStat>;
  /** Idempotent: deleting a missing shard succeeds. */
  delete(shardId: string): Promise<void>;
  list(after: string | undefined, limit: number): Promise<ShardPage>;
  verify(shardId: string): Promise<VerifyReport>;
  /** Resolves when the data folder accepts writes: the node's readiness. */
  checkWritable(): Promise<void>;
}

export function createShardStore(options: ShardStoreOptions): ShardStore {
  const paths = createShardPaths(options.dataDir);
  const writeOptions = { blockSize: options.blockSize, maxLength: options.maxShardLength };
  const openShard = (shardId: string) => openShardFile(paths.shard(shardId), shardId);

  return {
    async prepare() {
      await ensureDir(paths.shardsDir);
      await rm(paths.tmpDir, { recursive: true, force: true });
      await ensureDir(paths.tmpDir);
    },
    put: (shardId, source) => writeShard(paths, shardId, source, writeOptions),
    async read(shardId, request) {
      const file = await openShard(shardId);
      try {
        const length = file.header.length;
        const range =
          request === undefined ? { start: 0, end: length } : resolveRange(request, length);
        return { length, range, body: await streamOf(file, range) };
      } catch (error) {
        await file.close();
        throw error;
      }
    },
    async stat(shardId) {
      const file = await openShard(shardId);
      await file.close();
      return { length: file.header.length, modifiedAt: file.modifiedAt };
    },
    async delete(shardId) {
      // No fsync of the folder: a delete lost in a crash brings back a shard nobody
      // references, and the gateway's cleaner deletes orphans again.
      await rm(paths.shard(shardId), { force: true });
    },
    list: (after, limit) => listShards(paths, after, limit),
    async verify(shardId) {
      let file: ShardFile;
      try {
        file = await openShard(shardId);
      } catch (error) {
        // A damaged header is a finding here, not a failure: the scrubber heals the shard.
        if (!isShardCorrupt(error)) throw error;
        return { ok: false, corruptBlocks: [], headerCorrupt: true };
      }
      try {
        const corruptBlocks = await file.findCorruptBlocks();
        const { length } = file.header;
        return { ok: corruptBlocks.length === 0, length, corruptBlocks, headerCorrupt: false };
      } finally {
        await file.close();
      }
    },
    async checkWritable() {
      const probe = join(paths.tmpDir, `.ready-${randomUUID()}`);
      await writeFile(probe, 'ok');
      await rm(probe);
    },
  };
}

// The first block is pulled (and checked) now; the rest as the response drains. The file
// closes when the stream does, whether it ended, failed or was abandoned by the client.
async function streamOf(file: ShardFile, range: ByteRange): Promise<Readable> {
  const blocks = file.read(range);
  const first = await blocks.next();
  async function* all() {
    if (first.done === true) return;
    yield first.value;
    yield* blocks;
  }
  const body = Readable.from(all(), { objectMode: false });
  body.once('close', () => {
    // A read-only descriptor has nothing to flush: a failed close loses nothing.
    file.close().catch(() => undefined);
  });
  return body;
}
