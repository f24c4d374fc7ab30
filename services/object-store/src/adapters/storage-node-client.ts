import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { errorOfResponse } from './storage-node-client/error-of-response.ts';
import { openShardWriter } from './storage-node-client/shard-writer.ts';
import type { ShardWriter } from './storage-node-client/shard-writer.ts';
import { unavailable } from './storage-node-client/unavailable.ts';

export type { ShardWriter, WrittenShard } from './storage-node-client/shard-writer.ts';
export {
  NodeUnavailableError,
  ShardCorruptError,
  ShardNotFoundError,
  StorageNodeError,
} from './storage-node-client/storage-node-errors.ts';

export interface ShardInfo {
  id: string;
  /** Data bytes; absent when the shard's header is damaged. */
  length?: number;
  modifiedAt: Date;
}

export interface VerifyResult {
  /** Every block passed its CRC and the header is intact. */
  ok: boolean;
  /** Data bytes; absent when the header is damaged. */
  length?: number;
  corruptBlocks: number[];
  headerCorrupt: boolean;
}

/** The gateway's view of one storage node. Failures are the errors exported above. */
export interface StorageNodeClient {
  readonly url: string;
  /** Starts a streaming upload of a shard (a new one, or a rewrite of a corrupt one). */
  openShardWriter(shardId: string): ShardWriter;
  /**
   * The shard's bytes, or `range` of them (shard-data coordinates; a range past the end comes
   * back short). Throws ShardNotFoundError, ShardCorruptError or NodeUnavailableError.
   */
  readShard(shardId: string, range?: { offset: number; length: number }): Promise<Buffer>;
  /** undefined when the node has no such shard. */
  statShard(shardId: string): Promise<{ length: number; modifiedAt: Date } | undefined>;
  /** Idempotent. */
  deleteShard(shardId: string): Promise<void>;
  /** A page of the node's shards in id order; pass `next` as `after` for the following one. */
  listShards(options?: { after?: string; limit?: number }): Promise<ShardPage>;
  /** Reads every block on the node; undefined when the node has no such shard. */
  verifyShard(shardId: string): Promise<VerifyResult | undefined>;
  /** Resolves when the node is ready to store shards. */
  ping(): Promise<void>;
  /** Closes idle connections; in-flight requests finish first. */
  close(): Promise<void>;
}

export interface ShardPage {
  shards: ShardInfo[];
  next?: string;
}

export interface StorageNodeClientOptions {
  /** Bound on connecting and on every wait for the node. Default 10 s. */
  timeoutMs?: number;
}

interface ShardPageBody {
  shards: { id: string; length?: number; modifiedAt: string }[];
  next?: string;
}

export function createStorageNodeClient(
  url: string,
  options: StorageNodeClientOptions = {},
): StorageNodeClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // One keep-alive pool per node; no connection cap, since a long upload holds one throughout.
  const pool = new Pool(url, {
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const shardPath = (shardId: string) => `/shards/${encodeURIComponent(shardId)}`;

  const send = async (request: Dispatcher.RequestOptions, expected: number[]) => {
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request(request);
    } catch (error) {
      throw unavailable(url, error);
    }
    if (!expected.includes(response.statusCode)) throw await errorOfResponse(url, response);
    return response;
  };
  // undefined for 404: "no such shard" is an answer, not a failure, for stat and verify.
  const sendOrMissing = async (request: Dispatcher.RequestOptions) => {
    const response = await send(request, [200, 404]);
    if (response.statusCode === 200) return response;
    await response.body.dump();
    return undefined;
  };
  const readBody = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      throw unavailable(url, error);
    }
  };

  const client: StorageNodeClient = {
    url,
    openShardWriter: (shardId) =>
      openShardWriter({
        dispatcher: pool,
        nodeUrl: url,
        path: shardPath(shardId),
        timeoutMs,
        discard: () => client.deleteShard(shardId),
      }),
    async readShard(shardId, range) {
      // HTTP cannot ask for zero bytes; nothing to fetch.
      if (range?.length === 0) return Buffer.alloc(0);
      const headers =
        range === undefined
          ? {}
          : { range: `bytes=${range.offset}-${range.offset + range.length - 1}` };
      const response = await send({ method: 'GET', path: shardPath(shardId), headers }, [200, 206]);
      return readBody(async () => Buffer.from(await response.body.arrayBuffer()));
    },
    async statShard(shardId) {
      const response = await sendOrMissing({ method: 'HEAD', path: shardPath(shardId) });
      if (response === undefined) return undefined;
      return {
        length: Number(response.headers['content-length']),
        modifiedAt: new Date(String(response.headers['x-shard-modified-at'])),
      };
    },
    async deleteShard(shardId) {
      const response = await send({ method: 'DELETE', path: shardPath(shardId) }, [204]);
      await response.body.dump();
    },
    async listShards({ after, limit } = {}) {
      const query: Record<string, string> = {};
      if (after !== undefined) query.after = after;
      if (limit !== undefined) query.limit = String(limit);
      const response = await send({ method: 'GET', path: '/shards', query }, [200]);
      const page = await readBody(() => response.body.json() as Promise<ShardPageBody>);
      const shards = page.shards.map((shard) => ({
        ...shard,
        modifiedAt: new Date(shard.modifiedAt),
      }));
      return page.next === undefined ? { shards } : { shards, next: page.next };
    },
    async verifyShard(shardId) {
      const request = { method: 'POST', path: `${shardPath(shardId)}/verify` } as const;
      const response = await sendOrMissing(request);
      if (response === undefined) return undefined;
      return readBody(() => response.body.json() as Promise<VerifyResult>);
    },
    async ping() {
      // 503 (not ready, draining) becomes NodeUnavailableError like any 5xx.
      const response = await send({ method: 'GET', path: '/readyz' }, [200]);
      await response.body.dump();
    },
    close: () => pool.close(),
  };
  return client;
}
