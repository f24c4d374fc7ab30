import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET } from './fixtures/aws-example.ts';
import { startVerifyingServer } from './fixtures/verifying-server.ts';
import type { VerifyingServer } from './fixtures/verifying-server.ts';

/**
 * `@aws-sdk/client-s3` with its default settings, over a real socket, against a server wired
 * like the gateway: the signatures, payload modes, aws-chunked framing and CRC32 trailers the
 * real client sends must all verify.
 */
let server: VerifyingServer;
let client: S3Client;

function clientWith(secretAccessKey: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: EXAMPLE_ACCESS_KEY, secretAccessKey },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  server = await startVerifyingServer({ [EXAMPLE_ACCESS_KEY]: EXAMPLE_SECRET });
  client = clientWith(EXAMPLE_SECRET);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const last = () => server.received.at(-1)!;
const KEYS = [
  'plain.txt',
  'with space/and+plus~tilde.txt',
  'ünïcödé/日本語/😀.txt',
  "q?a=b&c#d!'()*.txt",
];

describe('@aws-sdk/client-s3 (default settings) against the verifier', () => {
  it.each(KEYS)(
    'PutObject with a buffer body: signed payload and CRC32 header (%j)',
    async (key) => {
      const body = Buffer.from(`contents of ${key}`);
      await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: body }));
      expect(last().body.equals(body)).toBe(true);
      expect(decodeURIComponent(last().url.split('?')[0]!)).toBe(`/bucket/${key}`);
      expect(last().auth.payload.kind).toBe('signed');
      expect(last().checksum?.algorithm).toBe('CRC32');
    },
  );

  it('PutObject with a stream body: aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32 trailer', async () => {
    const pieces = Array.from({ length: 40 }, (_, index) =>
      Buffer.alloc(10_000, 97 + (index % 26)),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: 'bucket',
        Key: 'streamed.bin',
        Body: Readable.from(pieces),
        ContentLength: 400_000,
      }),
    );
    expect(last().auth.payload.kind).toBe('streaming-unsigned-trailer');
    expect(last().headers['x-amz-trailer']).toEqual(['x-amz-checksum-crc32']);
    expect(last().body.equals(Buffer.concat(pieces))).toBe(true);
    expect(last().checksum?.algorithm).toBe('CRC32');
  });

  it('GetObject with a Range, DeleteObject and ListObjectsV2 with an awkward prefix', async () => {
    const object = await client.send(
      new GetObjectCommand({ Bucket: 'bucket', Key: KEYS[1], Range: 'bytes=0-4' }),
    );
    expect(await object.Body?.transformToString()).toBe('hello');
    await client.send(new DeleteObjectCommand({ Bucket: 'bucket', Key: KEYS[2] }));
    expect(last().method).toBe('DELETE');
    await client
      .send(
        new ListObjectsV2Command({
          Bucket: 'bucket',
          Prefix: 'a b+c/ü~',
          Delimiter: '/',
          StartAfter: '',
        }),
      )
      .catch(() => undefined);
    expect(last().url).toContain('list-type=2');
  });

  it('presigned GET and PUT URLs, used with fetch', async () => {
    for (const key of KEYS) {
      const getUrl = await getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: 'bucket', Key: key }),
        { expiresIn: 60 },
      );
      const got = await fetch(getUrl);
      expect([key, got.status]).toEqual([key, 200]);
      expect(last().auth.presigned).toBe(true);
    }
    const putUrl = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: 'bucket', Key: KEYS[3] }),
      { expiresIn: 60 },
    );
    const put = await fetch(putUrl, { method: 'PUT', body: 'uploaded through a presigned URL' });
    expect(put.status).toBe(200);
    expect(last().body.toString()).toBe('uploaded through a presigned URL');
  });

  it('a client with the wrong secret gets SignatureDoesNotMatch', async () => {
    const impostor = clientWith('not-the-secret');
    await expect(
      impostor.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'plain.txt' })),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    impostor.destroy();
  });

  it('a wrong Content-MD5 gets BadDigest', async () => {
    await expect(
      client.send(
        new PutObjectCommand({
          Bucket: 'bucket',
          Key: 'md5.txt',
          Body: 'payload',
          ContentMD5: '1B2M2Y8AsgTpgAmY7PhCfg==',
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
  });
});
