import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@scale-models/testkit';
import {
  createStorageNodeClient,
  NodeUnavailableError,
  ShardNotFoundError,
  StorageNodeError,
} from '../../src/adapters/storage-node-client.ts';
import type { StorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import { fileSizeOf, shardFilePath, tempFiles } from './helpers/shard-files.ts';
import { newShardId, randomShard, writeAll } from './helpers/shards.ts';
import { startStorageNode } from './helpers/storage-node-process.ts';
import type { StorageNodeProcess } from './helpers/storage-node-process.ts';

const BLOCK_SIZE = 1024;
let node: StorageNodeProcess;
let client: StorageNodeClient;

beforeAll(async () => {
  node = await startStorageNode({ blockSize: BLOCK_SIZE, maxShardBytes: 1024 * 1024 });
  client = createStorageNodeClient(node.url);
});

afterAll(async () => {
  await client?.close();
  await node?.destroy();
});

async function putShard(bytes: Buffer, shardId = newShardId()) {
  await writeAll(client.openShardWriter(shardId), bytes);
  return shardId;
}

describe('storage node: put, get, stat, delete', () => {
  it('stores a streamed shard and answers with its length and CRC32', async () => {
    const bytes = randomShard(5000);
    const shardId = newShardId();
    const written = await writeAll(client.openShardWriter(shardId), bytes, 700);
    expect(written).toEqual({ length: 5000, crc32: crc32(bytes) });
    expect(await client.readShard(shardId)).toEqual(bytes);
    // 24-byte header, 5 blocks of at most 1024 bytes, each followed by a 4-byte CRC.
    expect((await stat(shardFilePath(node.dataDir, shardId))).size).toBe(5044);
    expect(fileSizeOf(5000, BLOCK_SIZE)).toBe(5044);
  });

  it('reads any range, across block boundaries, as the same bytes', async () => {
    const bytes = randomShard(5000);
    const shardId = await putShard(bytes);
    await fc.assert(
      fc.asyncProperty(fc.nat(4999), fc.integer({ min: 1, max: 3000 }), async (offset, length) => {
        const read = await client.readShard(shardId, { offset, length });
        expect(read).toEqual(bytes.subarray(offset, offset + length));
      }),
      { numRuns: 40 },
    );
    expect(await client.readShard(shardId, { offset: 1023, length: 2 })).toEqual(
      bytes.subarray(1023, 1025),
    );
  });

  it('refuses a range that starts past the end', async () => {
    const shardId = await putShard(randomShard(100));
    await expect(client.readShard(shardId, { offset: 100, length: 1 })).rejects.toMatchObject({
      name: 'StorageNodeError',
      status: 400,
      code: 'shard.range_not_satisfiable',
    });
  });

  it('stores and reads an empty shard', async () => {
    const shardId = await putShard(Buffer.alloc(0));
    expect(await client.readShard(shardId)).toEqual(Buffer.alloc(0));
    expect(await client.statShard(shardId)).toMatchObject({ length: 0 });
  });

  it('stats a shard, and answers undefined for a missing one', async () => {
    const before = Date.now();
    const shardId = await putShard(randomShard(3000));
    const shard = await client.statShard(shardId);
    expect(shard?.length).toBe(3000);
    expect(shard?.modifiedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await client.statShard(newShardId())).toBeUndefined();
  });

  it('overwrites a shard with a new version', async () => {
    const shardId = await putShard(randomShard(3000));
    const second = randomShard(1500);
    await putShard(second, shardId);
    expect(await client.readShard(shardId)).toEqual(second);
  });

  it('deletes idempotently; a deleted shard is not found', async () => {
    const shardId = await putShard(randomShard(10));
    await client.deleteShard(shardId);
    await client.deleteShard(shardId);
    await expect(client.readShard(shardId)).rejects.toBeInstanceOf(ShardNotFoundError);
    expect(await client.verifyShard(shardId)).toBeUndefined();
  });

  it('verifies an intact shard block by block', async () => {
    const shardId = await putShard(randomShard(4096));
    expect(await client.verifyShard(shardId)).toEqual({
      ok: true,
      length: 4096,
      corruptBlocks: [],
      headerCorrupt: false,
    });
  });

  it('refuses a shard over MAX_SHARD_BYTES, storing nothing', async () => {
    const shardId = newShardId();
    const writer = client.openShardWriter(shardId);
    const error = await writeAll(writer, randomShard(1024 * 1024 + 1), 64 * 1024).catch(
      (e: unknown) => e,
    );
    // Usually the node's 413 arrives first; a client still sending may see the close instead.
    expect(error).toBeInstanceOf(StorageNodeError);
    if (!(error instanceof NodeUnavailableError)) expect(error).toMatchObject({ status: 413 });
    expect(await client.statShard(shardId)).toBeUndefined();
    await eventually(async () => expect(await tempFiles(node.dataDir)).toEqual([]));
  });
});

describe('storage node: shard ids become file names, so they are checked strictly', () => {
  it.each([
    '..%2F..%2Fetc%2Fpasswd',
    '%2E%2E',
    '..%2Fshards',
    'not-a-uuid.0',
    '0190D3A4-1234-7ABC-8DEF-0123456789AB.0',
    '0190d3a4-1234-7abc-8def-0123456789ab.256',
    '0190d3a4-1234-7abc-8def-0123456789ab.1%2F..',
  ])('answers 400 to /shards/%s', async (raw) => {
    for (const method of ['GET', 'PUT', 'DELETE', 'HEAD']) {
      expect(await statusOf(method, `/shards/${raw}`), method).toBe(400);
    }
    expect(await statusOf('POST', `/shards/${raw}/verify`)).toBe(400);
  });

  it('never routes literal `..` segments to a shard', async () => {
    expect(await statusOf('PUT', '/shards/../../etc/passwd.0')).toBe(404);
    expect(await statusOf('GET', '/shards/../shards/x.0')).toBe(404);
  });

  it('reports the invalid id through the client as a 400, not as a missing shard', async () => {
    await expect(client.readShard('../../etc/passwd')).rejects.toMatchObject({
      name: 'StorageNodeError',
      status: 400,
    });
  });
});

// node:http sends the path as written; fetch would resolve `..` segments before sending.
async function statusOf(method: string, path: string): Promise<number> {
  const request = http.request({
    host: '127.0.0.1',
    port: node.port,
    path,
    method,
    headers: { 'content-type': 'application/octet-stream' },
  });
  request.end(method === 'PUT' ? 'x' : undefined);
  const [response] = (await once(request, 'response')) as [http.IncomingMessage];
  response.resume();
  return response.statusCode ?? 0;
}

describe('storage node: listing', () => {
  it('pages through every shard in id order, without gaps or repeats', async () => {
    const own = await startStorageNode({ blockSize: BLOCK_SIZE });
    const ownClient = createStorageNodeClient(own.url);
    try {
      const ids = await Promise.all(
        Array.from({ length: 11 }, async (_, i) => {
          const shardId = newShardId(i % 3);
          await writeAll(ownClient.openShardWriter(shardId), randomShard(i * 100));
          return shardId;
        }),
      );
      const seen: { id: string; length?: number }[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await ownClient.listShards({ after, limit: 4 });
        expect(page.shards.length).toBeLessThanOrEqual(4);
        seen.push(...page.shards.map(({ id, length }) => ({ id, length })));
        after = page.next;
        pages += 1;
      } while (after !== undefined);
      expect(pages).toBe(3);
      expect(seen.map(({ id }) => id)).toEqual([...ids].sort());
      const lengths = new Map(ids.map((id, i) => [id, i * 100]));
      for (const { id, length } of seen) expect(length).toBe(lengths.get(id));
    } finally {
      await ownClient.close();
      await own.destroy();
    }
  });
});
