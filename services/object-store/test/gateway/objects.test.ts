import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { uniqueName } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;
let bucket: string;

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = uniqueName('objects').replaceAll('_', '-');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  await cluster?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('objects through @aws-sdk/client-s3 (default checksums, aws-chunked)', () => {
  it('stores and returns objects of awkward sizes byte for byte', async () => {
    for (const size of [0, 1, 4095, 64 * 1024 + 3, 1_000_003]) {
      const body = randomBytes(size);
      const key = `sizes/${size}.bin`;
      const put = await cluster.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/x-test',
          Metadata: { origin: 'test' },
        }),
      );
      expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
      const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await got.Body!.transformToByteArray();
      expect(bytes.length).toBe(size);
      expect(sha256(bytes)).toBe(sha256(body));
      expect(got.ContentType).toBe('application/x-test');
      expect(got.Metadata).toEqual({ origin: 'test' });
    }
  });

  it('serves ranges that cross stripe and window boundaries', async () => {
    const body = randomBytes(300_001);
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranges.bin', Body: body }));
    for (const [start, end] of [
      [0, 0],
      [65_535, 65_537],
      [10, 250_000],
      [299_990, 300_000],
    ] as const) {
      const got = await cluster.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: 'ranges.bin', Range: `bytes=${start}-${end}` }),
      );
      expect(got.ContentRange).toBe(`bytes ${start}-${end}/300001`);
      expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(
        body.subarray(start, end + 1),
      );
    }
  });

  it('answers NoSuchKey after a delete, and HEAD describes an object', async () => {
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone.txt', Body: 'bye' }));
    const head = await cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'gone.txt' }));
    expect(head.ContentLength).toBe(3);
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone.txt' }));
    await expect(
      cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'gone.txt' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});
