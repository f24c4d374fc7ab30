import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import type { StorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import { newShardId } from './helpers/shards.ts';
import { startStorageNode } from './helpers/storage-node-process.ts';
import type { StorageNodeProcess } from './helpers/storage-node-process.ts';

const MiB = 1024 * 1024;
// V8 frees the node's spent 64 KiB network and block buffers lazily, about every 64 MiB of
// them: RSS grows ~70 MiB whatever the shard size. A shard well past that shows the bound.
const SHARD_BYTES = 256 * MiB;

/** Peak resident memory of a process so far (Linux `VmHWM`), in bytes. */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(kib) * 1024;
}

/** Deterministic content, chunk by chunk, so the test never holds the shard whole either. */
function chunkAt(index: number): Buffer {
  return Buffer.alloc(MiB, index % 251);
}

let node: StorageNodeProcess;
let client: StorageNodeClient;

beforeAll(async () => {
  node = await startStorageNode();
  client = createStorageNodeClient(node.url);
});

afterAll(async () => {
  await client?.close();
  await node?.destroy();
});

describe.runIf(process.platform === 'linux')('storage node memory', () => {
  it('streams a 256 MiB shard in and out without holding it', async () => {
    const shardId = newShardId();
    const warmup = client.openShardWriter(shardId);
    await warmup.write(chunkAt(0));
    await warmup.end();
    await client.readShard(shardId);
    const before = await peakRss(node.pid);

    const writer = client.openShardWriter(shardId);
    let expectedCrc = 0;
    for (let i = 0; i < SHARD_BYTES / MiB; i++) {
      const chunk = chunkAt(i);
      expectedCrc = crc32(chunk, expectedCrc);
      await writer.write(chunk);
    }
    expect(await writer.end()).toEqual({ length: SHARD_BYTES, crc32: expectedCrc });
    const response = await fetch(`${node.url}/shards/${shardId}`);
    let readCrc = 0;
    for await (const chunk of response.body!) readCrc = crc32(chunk as Uint8Array, readCrc);
    expect(readCrc).toBe(expectedCrc);

    const growth = (await peakRss(node.pid)) - before;
    console.log(`storage node peak RSS grew ${(growth / MiB).toFixed(1)} MiB for a 256 MiB shard`);
    expect(growth).toBeLessThan(SHARD_BYTES / 2);
  });
});
