import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBucketName } from '../support/new-bucket-name.ts';
import { sendSignedStream } from '../support/send-signed-stream.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { presignUrl, send, sendSigned } from '../support/signed-request.ts';
import type { RawRequest } from '../support/signed-request.ts';
import { ACCESS_KEY, SECRET_KEY, startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;
let bucket: string;
const clients: S3Client[] = [];

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = newBucketName('bad-input');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await cluster?.close();
});

/** A client like the harness's, with other credentials or clock; one attempt unless told. */
function clientWith(config: Partial<S3ClientConfig>): S3Client {
  const client = new S3Client({
    endpoint: cluster.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    maxAttempts: 1,
    ...config,
  });
  clients.push(client);
  return client;
}

const minutes = (n: number) => n * 60_000;
const base64Md5 = (text: string) => createHash('md5').update(text).digest('base64');

async function exists(key: string): Promise<boolean> {
  try {
    await cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return false;
    }
    throw error;
  }
}

async function read(key: string): Promise<string> {
  const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return got.Body!.transformToString();
}

async function expectGatewayAnswers(): Promise<void> {
  const head = await cluster.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  expect(head.$metadata.httpStatusCode).toBe(200);
}

describe('authentication', () => {
  it('a wrong secret is 403 SignatureDoesNotMatch, and nothing is written', async () => {
    const impostor = clientWith({
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'not-the-secret' },
    });
    await expect(
      impostor.send(new PutObjectCommand({ Bucket: bucket, Key: 'forged.txt', Body: 'forged' })),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    const raw = await sendSigned(
      cluster.endpoint,
      { method: 'PUT', bucket, key: 'forged.txt', body: 'forged' },
      { secretAccessKey: 'not-the-secret' },
    );
    expectS3Error(raw, 403, 'SignatureDoesNotMatch');
    expect(await exists('forged.txt')).toBe(false);
  });

  it('an unknown access key is 403 InvalidAccessKeyId', async () => {
    const stranger = clientWith({
      credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: SECRET_KEY },
    });
    await expect(stranger.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject(
      { name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } },
    );
    const raw = await sendSigned(
      cluster.endpoint,
      { method: 'PUT', bucket, key: 'stranger.txt', body: 'x' },
      { accessKeyId: 'AKIDUNKNOWN' },
    );
    expectS3Error(raw, 403, 'InvalidAccessKeyId');
    expect(await exists('stranger.txt')).toBe(false);
  });

  it('an unsigned request is 403 AccessDenied; a garbled Authorization header is 400', async () => {
    const unsigned = await send(`${cluster.endpoint}/${bucket}/anything`, { method: 'GET' });
    expectS3Error(unsigned, 403, 'AccessDenied');
    const garbled = await send(`${cluster.endpoint}/${bucket}/anything`, {
      method: 'GET',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=nonsense',
        'x-amz-date': '20260101T000000Z',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    expect(garbled.status).toBe(400);
    expect(expectS3Error(garbled, 400, 'AuthorizationHeaderMalformed').Message).not.toBe('');
  });

  it('an expired presigned URL is 403 AccessDenied', async () => {
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared.txt', Body: 'hi' }));
    const request: RawRequest = { method: 'GET', bucket, key: 'shared.txt' };
    const fresh = await presignUrl(cluster.endpoint, request, 60);
    expect((await send(fresh, { method: 'GET' })).text).toBe('hi');
    const expired = await presignUrl(cluster.endpoint, request, 60, {
      date: new Date(Date.now() - minutes(5)),
    });
    const error = expectS3Error(await send(expired, { method: 'GET' }), 403, 'AccessDenied');
    expect(error.Message).toMatch(/expired/i);
    // The SDK's presigner, signing in the past, makes the same kind of URL.
    const sdkUrl = await getSignedUrl(
      cluster.s3,
      new GetObjectCommand({ Bucket: bucket, Key: 'shared.txt' }),
      { expiresIn: 1, signingDate: new Date(Date.now() - minutes(1)) },
    );
    expectS3Error(await send(sdkUrl, { method: 'GET' }), 403, 'AccessDenied');
  });

  it('a clock more than 15 minutes off is 403 RequestTimeTooSkewed; within 15 it is fine', async () => {
    for (const skew of [minutes(-16), minutes(16)]) {
      const raw = await sendSigned(
        cluster.endpoint,
        { method: 'PUT', bucket, key: 'skewed.txt', body: 'late' },
        { date: new Date(Date.now() + skew) },
      );
      expectS3Error(raw, 403, 'RequestTimeTooSkewed');
    }
    expect(await exists('skewed.txt')).toBe(false);
    const late = clientWith({ systemClockOffset: minutes(-20) });
    await expect(
      late.send(new PutObjectCommand({ Bucket: bucket, Key: 'skewed.txt', Body: 'late' })),
    ).rejects.toMatchObject({ name: 'RequestTimeTooSkewed', $metadata: { httpStatusCode: 403 } });
    const slightlyLate = clientWith({ systemClockOffset: minutes(-10) });
    await slightlyLate.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'skewed.txt', Body: 'in time' }),
    );
    expect(await read('skewed.txt')).toBe('in time');
  });

  it('the SDK learns the server time from the refusal, and its next request succeeds', async () => {
    const late = clientWith({ systemClockOffset: minutes(-30) });
    const write = () =>
      late.send(new PutObjectCommand({ Bucket: bucket, Key: 'corrected.txt', Body: 'corrected' }));
    await expect(write()).rejects.toMatchObject({ name: 'RequestTimeTooSkewed' });
    expect(Math.abs(late.config.systemClockOffset)).toBeLessThan(minutes(1));
    await write();
    expect(await read('corrected.txt')).toBe('corrected');
  });

  it('a body that is not the one signed is 400 XAmzContentSHA256Mismatch', async () => {
    const signed = sendSignedWithBodySwapped({
      method: 'PUT',
      bucket,
      key: 'swapped.txt',
      body: 'the signed body',
    });
    expectS3Error(await signed, 400, 'XAmzContentSHA256Mismatch');
    expect(await exists('swapped.txt')).toBe(false);
  });
});

describe('digests and checksums', () => {
  it('a wrong Content-MD5 is 400 BadDigest and the previous version stays', async () => {
    const Key = 'md5.txt';
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'original' }));
    await expect(
      cluster.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key,
          Body: 'replacement',
          ContentMD5: base64Md5('something else'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    expect(await read(Key)).toBe('original');
    // The right one is accepted.
    await cluster.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key,
        Body: 'replacement',
        ContentMD5: base64Md5('replacement'),
      }),
    );
    expect(await read(Key)).toBe('replacement');
  });

  it('a Content-MD5 that is not an MD5 at all is 400 InvalidDigest', async () => {
    const raw = await sendSigned(cluster.endpoint, {
      method: 'PUT',
      bucket,
      key: 'md5-garbage.txt',
      body: 'x',
      headers: { 'content-md5': 'not-base64!' },
    });
    expectS3Error(raw, 400, 'InvalidDigest');
    expect(await exists('md5-garbage.txt')).toBe(false);
  });

  it('a wrong x-amz-checksum-crc32 is 400 BadDigest and the previous version stays', async () => {
    const Key = 'crc.txt';
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'original' }));
    await expect(
      cluster.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key,
          Body: 'replacement',
          ChecksumCRC32: 'AAAAAA==',
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const raw = await sendSigned(cluster.endpoint, {
      method: 'PUT',
      bucket,
      key: Key,
      body: 'replacement',
      headers: { 'x-amz-checksum-crc32': 'AAAAAA==' },
    });
    expectS3Error(raw, 400, 'BadDigest');
    expect(await read(Key)).toBe('original');
  });
});

describe('names and sizes', () => {
  it('a key over 1024 UTF-8 bytes is 400 KeyTooLongError; 1024 bytes is fine', async () => {
    const longest = 'é'.repeat(512); // 1024 bytes in UTF-8
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: longest, Body: 'ok' }));
    expect(await read(longest)).toBe('ok');
    for (const Key of [`${longest}a`, 'k'.repeat(1025)]) {
      await expect(
        cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'too long' })),
      ).rejects.toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    }
    await expect(
      cluster.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k'.repeat(1025) })),
    ).rejects.toMatchObject({ name: 'KeyTooLongError' });
  });

  // fastify refuses such a path before any route runs; the gateway's frameworkErrors answer
  // keeps it in S3's format.
  it('a path that is not valid percent-encoding is 400 InvalidURI', async () => {
    const raw = await send(`${cluster.endpoint}/${bucket}/bad%zzkey`, { method: 'GET' });
    expectS3Error(raw, 400, 'InvalidURI');
  });

  it('a method S3 does not have is 405 MethodNotAllowed, in XML', async () => {
    const raw = await sendSigned(cluster.endpoint, { method: 'POST', bucket, key: 'plain-post' });
    expectS3Error(raw, 405, 'MethodNotAllowed');
    const patch = await sendSigned(cluster.endpoint, { method: 'PATCH', bucket, key: 'k' });
    expectS3Error(patch, 405, 'MethodNotAllowed');
  });
});

describe('XML request bodies', () => {
  const MiB = 1024 * 1024;
  const malformed = {
    'not XML': 'this is not xml',
    'an unclosed element': '<Delete><Object><Key>a</Key></Object>',
    'another root': '<Remove><Object><Key>a</Key></Object></Remove>',
    'no object': '<Delete><Quiet>true</Quiet></Delete>',
    'an object without a key': '<Delete><Object><VersionId>x</VersionId></Object></Delete>',
    'a declared entity':
      '<!DOCTYPE d [<!ENTITY x "boom">]><Delete><Object><Key>&x;</Key></Object></Delete>',
    'nesting too deep': `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`,
    'over 1000 keys': `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`,
  };

  it.each(Object.entries(malformed))(
    'DeleteObjects with %s is 400 MalformedXML',
    async (_what, body) => {
      const raw = await sendSigned(cluster.endpoint, {
        method: 'POST',
        bucket,
        query: { delete: '' },
        body,
        headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
      });
      expectS3Error(raw, 400, 'MalformedXML');
      await expectGatewayAnswers();
    },
  );

  it('DeleteObjects over 2 MiB is 400 MaxMessageLengthExceeded; the gateway goes on', async () => {
    const body = `<Delete><Object><Key>${'k'.repeat(2 * MiB)}</Key></Object></Delete>`;
    const raw = await sendSigned(cluster.endpoint, {
      method: 'POST',
      bucket,
      query: { delete: '' },
      body,
    });
    expectS3Error(raw, 400, 'MaxMessageLengthExceeded');
    await expectGatewayAnswers();
  });

  it('a streamed body over the limit is refused at the limit and its connection closed', async () => {
    const spaces = Buffer.alloc(64 * 1024, ' ');
    const chunks = [
      Buffer.from('<Delete>'),
      ...Array.from({ length: 48 }, () => spaces), // 3 MiB, no Content-Length to refuse early
      Buffer.from('<Object><Key>k</Key></Object></Delete>'),
    ];
    const exchange = await sendSignedStream(
      cluster.endpoint,
      { method: 'POST', bucket, query: { delete: '' } },
      chunks,
    );
    try {
      expect(exchange.status).toBe(400);
      expect(exchange.text).toContain('<Code>MaxMessageLengthExceeded</Code>');
      // Not left half-read, which would hold the client and block the gateway's shutdown.
      await eventually(() => expect(exchange.isDisconnected()).toBe(true));
    } finally {
      await exchange.close();
    }
    // An error to a request read whole keeps its connection for the next request.
    const missing = await sendSigned(cluster.endpoint, { method: 'GET', bucket, key: 'nothing' });
    expectS3Error(missing, 404, 'NoSuchKey');
    expect(missing.headers.connection).toBe('keep-alive');
    await expectGatewayAnswers();
  });

  it('CompleteMultipartUpload with malformed or oversize XML is refused; the upload stays', async () => {
    const key = 'xml/complete';
    const { UploadId } = await cluster.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    const completeWith = (body: string) =>
      sendSigned(cluster.endpoint, {
        method: 'POST',
        bucket,
        key,
        query: { uploadId: UploadId! },
        body,
      });
    for (const body of [
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>',
      '<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>"a"</ETag></Part></CompleteMultipartUpload>',
      '<CompleteMultipartUpload><Part><ETag>"a"</ETag></Part></CompleteMultipartUpload>',
    ]) {
      expectS3Error(await completeWith(body), 400, 'MalformedXML');
    }
    const huge = `<CompleteMultipartUpload>${' '.repeat(4 * MiB)}</CompleteMultipartUpload>`;
    expectS3Error(await completeWith(huge), 400, 'MaxMessageLengthExceeded');
    await expectGatewayAnswers();
    const parts = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      key,
      query: { uploadId: UploadId! },
    });
    expect(parts.status).toBe(200);
  });

  it('a body not matching its signed SHA-256 is refused before it deletes anything', async () => {
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'precious.txt', Body: 'p' }));
    const response = await sendSignedWithBodySwapped(
      {
        method: 'POST',
        bucket,
        query: { delete: '' },
        body: '<Delete><Object><Key>harmless.txt</Key></Object></Delete>',
      },
      '<Delete><Object><Key>precious.txt</Key></Object></Delete>',
    );
    expectS3Error(response, 400, 'XAmzContentSHA256Mismatch');
    expect(await read('precious.txt')).toBe('p');
  });
});

/**
 * Signs `request` (its body's SHA-256 in the signature) but sends `other` in its place: what an
 * attacker on the path could do with a captured request. The signature still verifies, so
 * only the payload hash can catch it.
 */
async function sendSignedWithBodySwapped(request: RawRequest, other?: string) {
  const swapped = other ?? `${String(request.body)} (altered)`;
  const signedHash = createHash('sha256')
    .update(request.body ?? '')
    .digest('hex');
  return sendSigned(cluster.endpoint, {
    ...request,
    body: swapped,
    headers: { ...request.headers, 'x-amz-content-sha256': signedHash },
  });
}
