import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStorageNodeClient,
  NodeUnavailableError,
  ShardCorruptError,
} from '../../src/adapters/storage-node-client.ts';
import type { StorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import { fileOffsetOf, flipBit, shardFilePath } from './helpers/shard-files.ts';
import { newShardId, randomShard, writeAll } from './helpers/shards.ts';
import { startStorageNode } from './helpers/storage-node-process.ts';
import type { StorageNodeProcess } from './helpers/storage-node-process.ts';

const BLOCK_SIZE = 1024;
let node: StorageNodeProcess;
let client: StorageNodeClient;

beforeAll(async () => {
  node = await startStorageNode({ blockSize: BLOCK_SIZE });
  client = createStorageNodeClient(node.url);
});

afterAll(async () => {
  await client?.close();
  await node?.destroy();
});

/** A 5000-byte shard (blocks 0-4) with one bit flipped in block 2's data. */
async function shardWithBitrotInBlock2() {
  const bytes = randomShard(5000);
  const shardId = newShardId();
  await writeAll(client.openShardWriter(shardId), bytes);
  await flipBit(
    shardFilePath(node.dataDir, shardId),
    fileOffsetOf(2 * BLOCK_SIZE + 100, BLOCK_SIZE),
  );
  return { shardId, bytes };
}

describe('storage node: bitrot', () => {
  it('answers a read starting in the bad block with 409 shard.corrupt naming the block', async () => {
    const { shardId } = await shardWithBitrotInBlock2();
    const response = await fetch(`${node.url}/shards/${shardId}`, {
      headers: { range: `bytes=${2 * BLOCK_SIZE + 500}-${2 * BLOCK_SIZE + 600}` },
    });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'shard.corrupt', block: 2, shardId });
    await expect(
      client.readShard(shardId, { offset: 2 * BLOCK_SIZE, length: 10 }),
    ).rejects.toMatchObject({ name: 'ShardCorruptError', block: 2 });
  });

  it('still serves every range that does not touch the bad block', async () => {
    const { shardId, bytes } = await shardWithBitrotInBlock2();
    for (const [offset, length] of [
      [0, 2 * BLOCK_SIZE],
      [BLOCK_SIZE + 7, BLOCK_SIZE - 7],
      [3 * BLOCK_SIZE, 5000 - 3 * BLOCK_SIZE],
    ] as const) {
      expect(await client.readShard(shardId, { offset, length })).toEqual(
        bytes.subarray(offset, offset + length),
      );
    }
  });

  it('cuts a response short rather than send the bad block found mid-stream', async () => {
    const { shardId } = await shardWithBitrotInBlock2();
    const response = await fetch(`${node.url}/shards/${shardId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('5000');
    await expect(response.arrayBuffer()).rejects.toThrow();
    await expect(client.readShard(shardId)).rejects.toBeInstanceOf(NodeUnavailableError);
  });

  it('reports the bad block on verify', async () => {
    const { shardId } = await shardWithBitrotInBlock2();
    expect(await client.verifyShard(shardId)).toEqual({
      ok: false,
      length: 5000,
      corruptBlocks: [2],
      headerCorrupt: false,
    });
  });

  it('detects a flipped CRC as well as flipped data', async () => {
    const shardId = newShardId();
    await writeAll(client.openShardWriter(shardId), randomShard(3000));
    // Block 1's CRC sits right after its 1024 data bytes.
    await flipBit(
      shardFilePath(node.dataDir, shardId),
      fileOffsetOf(BLOCK_SIZE, BLOCK_SIZE) + BLOCK_SIZE,
    );
    expect(await client.verifyShard(shardId)).toMatchObject({ ok: false, corruptBlocks: [1] });
  });

  it('treats a damaged header as a corrupt shard everywhere, yet still lists it', async () => {
    const shardId = newShardId();
    await writeAll(client.openShardWriter(shardId), randomShard(3000));
    await flipBit(shardFilePath(node.dataDir, shardId), 14); // inside the length field
    await expect(client.readShard(shardId)).rejects.toBeInstanceOf(ShardCorruptError);
    await expect(client.statShard(shardId)).rejects.toBeInstanceOf(ShardCorruptError);
    expect(await client.verifyShard(shardId)).toEqual({
      ok: false,
      corruptBlocks: [],
      headerCorrupt: true,
    });
    const { shards } = await client.listShards({ limit: 10_000 });
    const listed = shards.find(({ id }) => id === shardId);
    expect(listed).toBeDefined();
    expect(listed?.length).toBeUndefined();
  });

  it('heals by overwriting: the rewritten shard verifies clean', async () => {
    const { shardId, bytes } = await shardWithBitrotInBlock2();
    await writeAll(client.openShardWriter(shardId), bytes);
    expect(await client.verifyShard(shardId)).toMatchObject({ ok: true, corruptBlocks: [] });
    expect(await client.readShard(shardId)).toEqual(bytes);
  });
});
