import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStorageNodeClient,
  NodeUnavailableError,
} from '../../src/adapters/storage-node-client.ts';
import type { ShardWriter, StorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import { tempFiles } from './helpers/shard-files.ts';
import { newShardId, randomShard, writeAll } from './helpers/shards.ts';
import { startStorageNode } from './helpers/storage-node-process.ts';
import type { StorageNodeProcess } from './helpers/storage-node-process.ts';

// Longer than the test timeout: an upload that fails here failed because the connection did,
// not because a timer ran out.
const PATIENT = { timeoutMs: 120_000 };

/** Writes 64 KiB chunks until the node holds a temp file: an upload visibly in flight. */
async function startUpload(writer: ShardWriter, node: StorageNodeProcess) {
  for (let i = 0; (await tempFiles(node.dataDir)).length === 0; i++) {
    await writer.write(randomShard(64 * 1024));
    if (i > 1000) throw new Error('the node never created a temp file');
  }
  // Flushed well past the first block, so the temp file has content to tear.
  for (let i = 0; i < 8; i++) await writer.write(randomShard(64 * 1024));
}

/** Writes until the writer rejects; returns the error. */
async function writeUntilFails(writer: ShardWriter): Promise<unknown> {
  try {
    for (;;) await writer.write(randomShard(64 * 1024));
  } catch (error) {
    return error;
  }
}

describe('uploads that do not finish', () => {
  let node: StorageNodeProcess;
  let client: StorageNodeClient;

  beforeAll(async () => {
    node = await startStorageNode();
    client = createStorageNodeClient(node.url, PATIENT);
  });

  afterAll(async () => {
    await client?.close();
    await node?.destroy();
  });

  it('a client abort leaves no shard and no temp file', async () => {
    const shardId = newShardId();
    const writer = client.openShardWriter(shardId);
    await startUpload(writer, node);
    writer.abort();
    await expect(writer.write(randomShard(10))).rejects.toThrow(/aborted/);
    await expect(writer.end()).rejects.toThrow(/aborted/);
    await eventually(async () => expect(await tempFiles(node.dataDir)).toEqual([]));
    expect(await client.statShard(shardId)).toBeUndefined();
  });

  it('an aborted overwrite leaves the old version in place', async () => {
    const shardId = newShardId();
    const first = randomShard(100_000);
    await writeAll(client.openShardWriter(shardId), first);
    const writer = client.openShardWriter(shardId);
    await startUpload(writer, node);
    writer.abort();
    await eventually(async () => expect(await tempFiles(node.dataDir)).toEqual([]));
    expect(await client.readShard(shardId)).toEqual(first);
  });
});

describe('a node killed mid-upload (kill -9)', () => {
  it('fails the upload; after restart the shard is absent and tmp is clean', async () => {
    const node = await startStorageNode();
    const client = createStorageNodeClient(node.url, PATIENT);
    try {
      const shardId = newShardId();
      const writer = client.openShardWriter(shardId);
      await startUpload(writer, node);
      await node.kill('SIGKILL');
      expect(await writeUntilFails(writer)).toBeInstanceOf(NodeUnavailableError);
      await expect(writer.end()).rejects.toBeInstanceOf(NodeUnavailableError);
      expect(await tempFiles(node.dataDir)).toHaveLength(1); // what the crash left behind

      const restarted = await startStorageNode({ dataDir: node.dataDir, port: node.port });
      expect(await tempFiles(node.dataDir)).toEqual([]);
      expect(await client.statShard(shardId)).toBeUndefined();
      await restarted.kill();
    } finally {
      await client.close();
      await node.destroy();
    }
  });

  it('keeps the old version intact when the crash interrupts an overwrite', async () => {
    const node = await startStorageNode();
    const client = createStorageNodeClient(node.url, PATIENT);
    try {
      const shardId = newShardId();
      const first = randomShard(300_000);
      await writeAll(client.openShardWriter(shardId), first);
      const writer = client.openShardWriter(shardId);
      await startUpload(writer, node);
      await node.kill('SIGKILL');
      expect(await writeUntilFails(writer)).toBeInstanceOf(NodeUnavailableError);

      const restarted = await startStorageNode({ dataDir: node.dataDir, port: node.port });
      expect(await tempFiles(node.dataDir)).toEqual([]);
      expect(await client.readShard(shardId)).toEqual(first);
      expect(await client.verifyShard(shardId)).toMatchObject({ ok: true, length: 300_000 });
      await restarted.kill();
    } finally {
      await client.close();
      await node.destroy();
    }
  });
});

describe('a node that is down', () => {
  it('fails every call with NodeUnavailableError when nothing listens', async () => {
    const client = createStorageNodeClient(`http://127.0.0.1:${await closedPort()}`, PATIENT);
    try {
      const shardId = newShardId();
      await expect(client.readShard(shardId)).rejects.toBeInstanceOf(NodeUnavailableError);
      await expect(client.statShard(shardId)).rejects.toBeInstanceOf(NodeUnavailableError);
      await expect(client.deleteShard(shardId)).rejects.toBeInstanceOf(NodeUnavailableError);
      await expect(client.listShards()).rejects.toBeInstanceOf(NodeUnavailableError);
      await expect(client.verifyShard(shardId)).rejects.toBeInstanceOf(NodeUnavailableError);
      await expect(client.ping()).rejects.toBeInstanceOf(NodeUnavailableError);
      const writer = client.openShardWriter(shardId);
      expect(await writeUntilFails(writer)).toBeInstanceOf(NodeUnavailableError);
      await expect(writer.end()).rejects.toBeInstanceOf(NodeUnavailableError);
    } finally {
      await client.close();
    }
  });

  it('bounds every wait on a node that accepts connections but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket)); // reads nothing, says nothing
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const client = createStorageNodeClient(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
    try {
      await expect(client.readShard(newShardId())).rejects.toBeInstanceOf(NodeUnavailableError);
      await expect(client.ping()).rejects.toBeInstanceOf(NodeUnavailableError);
      const writer = client.openShardWriter(newShardId());
      // Nobody reads: the socket buffers fill, then a write waits past the timeout.
      expect(await writeUntilFails(writer)).toBeInstanceOf(NodeUnavailableError);
      const small = client.openShardWriter(newShardId());
      await small.write(randomShard(10));
      await expect(small.end()).rejects.toBeInstanceOf(NodeUnavailableError);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await client.close();
    }
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
