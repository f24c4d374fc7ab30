import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { eventually, uniqueName } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../support/gateway-process.ts';
import type { GatewayProcess } from '../support/gateway-process.ts';
import { s3ClientFor, startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

const MiB = 2 ** 20;
let cluster: StoreCluster;
let bucket: string;

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = uniqueName('crash').replaceAll('_', '-');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  await cluster?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function startGateway(): Promise<{ gateway: GatewayProcess; s3: S3Client }> {
  const gateway = await startGatewayProcess({
    pgUrl: cluster.databaseUrl,
    nodeUrls: cluster.nodes.map((node) => node.url),
  });
  return { gateway, s3: s3ClientFor(gateway.url) };
}

/** A body that sends `sent` bytes of `total` and then hangs, as a slow client would. */
function stalledBody(sent: number): PassThrough {
  const body = new PassThrough();
  body.write(randomBytes(sent));
  return body;
}

/** Waits until the gateway is streaming shards: the nodes hold uploads in progress. */
async function untilShardsInFlight(): Promise<void> {
  await eventually(async () => {
    const temp = await Promise.all(cluster.nodes.map((node) => readdir(join(node.dataDir, 'tmp'))));
    expect(temp.flat().length).toBeGreaterThan(0);
  });
}

/** Every shard file on the nodes belongs to a segment the metadata references, and vice versa. */
async function expectOnlyCommittedShards(): Promise<void> {
  await cluster.scrubber.runPass();
  const { rows } = await cluster.pool.query<{ id: string; nodes: string[] }>(
    'SELECT id, nodes FROM segments',
  );
  for (let i = 0; i < cluster.nodes.length; i += 1) {
    const expected = rows
      .flatMap(({ id, nodes }) =>
        nodes.flatMap((node, index) => (node === `node-${i + 1}` ? [`${id}.${index}`] : [])),
      )
      .sort();
    const root = join(cluster.nodes[i]!.dataDir, 'shards');
    const folders = await readdir(root).catch(() => []);
    const files = (await Promise.all(folders.map((folder) => readdir(join(root, folder)))))
      .flat()
      .sort();
    expect(files).toEqual(expected);
    expect(await readdir(join(cluster.nodes[i]!.dataDir, 'tmp'))).toEqual([]);
  }
}

describe('gateway killed with -9', () => {
  it('during a single PUT: the previous version stays, nothing partial shows, no shard is left', async () => {
    const { gateway, s3 } = await startGateway();
    const first = randomBytes(200_000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc.bin', Body: first }));

    const attempt = s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'doc.bin',
        Body: stalledBody(2 * MiB),
        ContentLength: 4 * MiB,
      }),
    );
    attempt.catch(() => undefined);
    await untilShardsInFlight();
    await gateway.kill('SIGKILL');
    await expect(attempt).rejects.toThrow();

    const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc.bin' }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(first));
    await eventually(expectOnlyCommittedShards, { timeoutMs: 20_000 });
    s3.destroy();
  });

  it('during a multipart upload: no object until completed, finished parts survive, the upload completes after restart', async () => {
    let { gateway, s3 } = await startGateway();
    const key = 'big.bin';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    const parts = [randomBytes(300_000), randomBytes(300_000), randomBytes(100_000)];
    const etags: string[] = [];
    for (const [index, body] of parts.slice(0, 2).entries()) {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: index + 1,
          Body: body,
        }),
      );
      etags.push(ETag!);
    }
    const attempt = s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        PartNumber: 3,
        Body: stalledBody(MiB),
        ContentLength: 2 * MiB,
      }),
    );
    attempt.catch(() => undefined);
    await untilShardsInFlight();
    await gateway.kill('SIGKILL');
    await expect(attempt).rejects.toThrow();
    s3.destroy();

    ({ gateway, s3 } = await startGateway());
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
    expect(listed.Parts?.map((part) => part.PartNumber)).toEqual([1, 2]);
    await eventually(expectOnlyCommittedShards, { timeoutMs: 20_000 });

    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 3, Body: parts[2] }),
    );
    etags.push(ETag!);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: {
          Parts: etags.map((etag, index) => ({ ETag: etag, PartNumber: index + 1 })),
        },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(Buffer.concat(parts)));
    await gateway.kill('SIGTERM');
    s3.destroy();
  });
});
