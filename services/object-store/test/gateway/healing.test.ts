import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { uniqueName } from '@scale-models/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findObjectVersion } from '../../src/adapters/metadata/object-versions.ts';
import { shardIdOf } from '../../src/data-path/storage-nodes.ts';
import { fileOffsetOf, flipBit, shardFilePath } from '../storage-node/helpers/shard-files.ts';
import { startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;
let bucket: string;
const objects = new Map<string, string>(); // key → sha256

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = uniqueName('healing').replaceAll('_', '-');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const size of [1, 5_000, 70_001, 1_500_000]) await put(`object-${size}`, randomBytes(size));
});

afterAll(async () => {
  await cluster?.close();
});

beforeEach(async () => {
  // Every test starts from a whole cluster.
  for (let i = 0; i < cluster.nodes.length; i += 1) {
    if (!(await answers(cluster.nodes[i]!.url))) await cluster.startNode(i);
  }
  await cluster.scrubber.runPass();
});

async function put(key: string, body: Buffer): Promise<void> {
  await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  objects.set(key, sha256(body));
}

async function readAll(): Promise<Map<string, string>> {
  const read = new Map<string, string>();
  for (const key of objects.keys()) {
    const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    read.set(key, sha256(await got.Body!.transformToByteArray()));
  }
  return read;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function answers(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    (response) => response.ok,
    () => false,
  );
}

async function shardFilesOf(nodeIndex: number): Promise<string[]> {
  const root = join(cluster.nodes[nodeIndex]!.dataDir, 'shards');
  const folders = await readdir(root).catch(() => []);
  const files = await Promise.all(folders.map((folder) => readdir(join(root, folder))));
  return files.flat().sort();
}

describe('degraded reads (m = 2 nodes down)', () => {
  it('returns every object byte-identical with any two nodes stopped', async () => {
    const before = cluster.metrics.snapshot().degradedReads;
    for (const [a, b] of [
      [0, 1],
      [2, 5],
      [3, 4],
    ] as const) {
      await cluster.stopNode(a);
      await cluster.stopNode(b);
      expect(await readAll()).toEqual(objects);
      await cluster.startNode(a);
      await cluster.startNode(b);
    }
    expect(cluster.metrics.snapshot().degradedReads).toBeGreaterThan(before);
  });

  it('refuses a write below the write quorum (k+1) with 503 and shows nothing', async () => {
    await put('quorum.bin', randomBytes(10_000));
    await cluster.stopNode(1);
    await cluster.stopNode(4);
    const attempt = cluster.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'quorum.bin', Body: randomBytes(200_000) }),
    );
    await expect(attempt).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    await cluster.startNode(1);
    await cluster.startNode(4);
    expect((await readAll()).get('quorum.bin')).toBe(objects.get('quorum.bin'));
  });
});

describe('healing', () => {
  it('restores the shard a write missed while its node was down', async () => {
    await cluster.stopNode(2);
    await put('written-while-down.bin', randomBytes(300_000));
    await cluster.startNode(2);
    const healedBefore = cluster.metrics.snapshot().shardsHealed;
    await cluster.scrubber.runPass();
    const { shardsHealed, shardsUnreachable } = cluster.metrics.snapshot();
    expect(shardsHealed - healedBefore).toBeGreaterThanOrEqual(1);
    expect(shardsUnreachable).toBe(0);
    // A second pass finds nothing left to do.
    await cluster.scrubber.runPass();
    expect(cluster.metrics.snapshot().shardsHealed).toBe(shardsHealed);
  });

  it('reads around flipped bits and the scrubber repairs the shard', async () => {
    const version = await findObjectVersion(cluster.pool, bucket, 'object-1500000');
    const segment = version!.segments[0]!;
    const nodeIndex = Number(segment.nodes[0]!.replace('node-', '')) - 1;
    const path = shardFilePath(cluster.nodes[nodeIndex]!.dataDir, shardIdOf(segment.id, 0));
    await flipBit(path, fileOffsetOf(1234, 64 * 1024));
    expect((await readAll()).get('object-1500000')).toBe(objects.get('object-1500000'));

    const healedBefore = cluster.metrics.snapshot().shardsHealed;
    await cluster.scrubber.runPass();
    expect(cluster.metrics.snapshot().shardsHealed - healedBefore).toBe(1);
    const client = await import('../../src/adapters/storage-node-client.ts');
    const verify = await client
      .createStorageNodeClient(cluster.nodes[nodeIndex]!.url)
      .verifyShard(shardIdOf(segment.id, 0));
    expect(verify).toMatchObject({ ok: true, corruptBlocks: [] });
  });

  it('rebuilds every shard of a node whose data folder was wiped', async () => {
    const expected = await shardFilesOf(3);
    expect(expected.length).toBeGreaterThan(0);
    await cluster.stopNode(3);
    await rm(join(cluster.nodes[3]!.dataDir, 'shards'), { recursive: true, force: true });
    await cluster.startNode(3);
    expect(await shardFilesOf(3)).toEqual([]);
    await cluster.scrubber.runPass();
    expect(await shardFilesOf(3)).toEqual(expected);
    // With the rebuilt node and two others down, everything still reads.
    await cluster.stopNode(0);
    await cluster.stopNode(1);
    expect(await readAll()).toEqual(objects);
  });
});

describe('garbage and orphans', () => {
  it('frees the shards of deleted objects, and shards no metadata names', async () => {
    await put('short-lived.bin', randomBytes(100_000));
    const version = await findObjectVersion(cluster.pool, bucket, 'short-lived.bin');
    const segmentId = version!.segments[0]!.id;
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'short-lived.bin' }));
    objects.delete('short-lived.bin');

    // A shard as a gateway that died before committing would leave it.
    const { createStorageNodeClient } = await import('../../src/adapters/storage-node-client.ts');
    const orphanId = '0190b6a2-0000-7000-8000-000000000000.0';
    const writer = createStorageNodeClient(cluster.nodes[0]!.url).openShardWriter(orphanId);
    await writer.write(Buffer.from('orphaned bytes'));
    await writer.end();

    const before = cluster.metrics.snapshot();
    await cluster.scrubber.runPass();
    const after = cluster.metrics.snapshot();
    expect(after.garbageSegmentsRemoved - before.garbageSegmentsRemoved).toBe(1);
    expect(after.orphanShardsRemoved - before.orphanShardsRemoved).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < cluster.nodes.length; i += 1) {
      const files = await shardFilesOf(i);
      expect(files.filter((file) => file.startsWith(segmentId) || file === orphanId)).toEqual([]);
    }
    expect(await readAll()).toEqual(objects);
  });
});
