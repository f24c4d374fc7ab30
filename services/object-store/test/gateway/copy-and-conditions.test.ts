import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { GetObjectCommandInput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBucketName } from '../support/new-bucket-name.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { send, sendSigned } from '../support/signed-request.ts';
import { startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;
let bucket: string;

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = newBucketName('copy');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  await cluster?.close();
});

const quotedMd5 = (body: string | Uint8Array) =>
  `"${createHash('md5').update(body).digest('hex')}"`;

async function put(key: string, body: string | Uint8Array, extra: object = {}) {
  return cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));
}

async function get(input: Omit<GetObjectCommandInput, 'Bucket'>, inBucket = bucket) {
  const got = await cluster.s3.send(new GetObjectCommand({ Bucket: inBucket, ...input }));
  return { ...got, text: await got.Body!.transformToString() };
}

/** A copy source header value: the SDK sends it as given, so the key is encoded here. */
const copySource = (fromBucket: string, key: string, versionId?: string) =>
  `${fromBucket}/${key.split('/').map(encodeURIComponent).join('/')}${
    versionId === undefined ? '' : `?versionId=${versionId}`
  }`;

describe('CopyObject', () => {
  beforeAll(async () => {
    await put('source.txt', 'the source', {
      ContentType: 'text/plain',
      Metadata: { color: 'blue', shape: 'round' },
    });
  });

  it('copies body, content type and metadata with the COPY directive (the default)', async () => {
    const copied = await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copies/default.txt',
        CopySource: copySource(bucket, 'source.txt'),
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(quotedMd5('the source'));
    expect(copied.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
    const got = await get({ Key: 'copies/default.txt' });
    expect([got.text, got.ContentType, got.Metadata]).toEqual([
      'the source',
      'text/plain',
      { color: 'blue', shape: 'round' },
    ]);
  });

  it('takes content type and metadata from the request with the REPLACE directive', async () => {
    await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copies/replaced.txt',
        CopySource: copySource(bucket, 'source.txt'),
        MetadataDirective: 'REPLACE',
        ContentType: 'application/json',
        Metadata: { size: 'large' },
      }),
    );
    const got = await get({ Key: 'copies/replaced.txt' });
    expect([got.text, got.ContentType, got.Metadata]).toEqual([
      'the source',
      'application/json',
      { size: 'large' },
    ]);
  });

  it('refuses to copy an object onto itself without a change (400 InvalidRequest)', async () => {
    await expect(
      cluster.s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'source.txt',
          CopySource: copySource(bucket, 'source.txt'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
    // REPLACE is a change: the way to edit metadata in place.
    await put('in-place.txt', 'same bytes', { Metadata: { rev: '1' } });
    await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'in-place.txt',
        CopySource: copySource(bucket, 'in-place.txt'),
        MetadataDirective: 'REPLACE',
        Metadata: { rev: '2' },
      }),
    );
    const got = await get({ Key: 'in-place.txt' });
    expect([got.text, got.Metadata]).toEqual(['same bytes', { rev: '2' }]);
  });

  it('copies a specific version, also onto its own key (restoring it)', async () => {
    const versioned = newBucketName('copy-versions');
    await cluster.s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await cluster.s3.send(
      new PutBucketVersioningCommand({
        Bucket: versioned,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const write = (body: string) =>
      cluster.s3.send(new PutObjectCommand({ Bucket: versioned, Key: 'doc', Body: body }));
    const old = await write('old text');
    await write('new text');

    const copied = await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copies/old.txt',
        CopySource: copySource(versioned, 'doc', old.VersionId),
      }),
    );
    expect(copied.CopySourceVersionId).toBe(old.VersionId);
    expect((await get({ Key: 'copies/old.txt' })).text).toBe('old text');

    const restored = await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: versioned,
        Key: 'doc',
        CopySource: copySource(versioned, 'doc', old.VersionId),
      }),
    );
    expect(restored.VersionId).toBeDefined();
    expect(restored.VersionId).not.toBe(old.VersionId);
    const latest = await get({ Key: 'doc' }, versioned);
    expect([latest.text, latest.VersionId]).toEqual(['old text', restored.VersionId]);
  });

  it('copies keys that need encoding in x-amz-copy-source', async () => {
    const key = 'odd keys/ü+ & ?.txt';
    await put(key, 'odd');
    await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copies/from odd key',
        CopySource: copySource(bucket, key),
      }),
    );
    expect((await get({ Key: 'copies/from odd key' })).text).toBe('odd');
  });

  it('checks x-amz-copy-source-if-* against the source (412 when they fail)', async () => {
    const etag = quotedMd5('the source');
    const copy = (conditions: object) =>
      cluster.s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'copies/conditional.txt',
          CopySource: copySource(bucket, 'source.txt'),
          ...conditions,
        }),
      );
    await expect(copy({ CopySourceIfMatch: '"0123"' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(copy({ CopySourceIfNoneMatch: etag })).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
    await expect(copy({ CopySourceIfMatch: etag })).resolves.toMatchObject({
      CopyObjectResult: { ETag: etag },
    });
  });

  it('answers NoSuchKey for a missing source', async () => {
    await expect(
      cluster.s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'copies/nothing',
          CopySource: copySource(bucket, 'no/such/source'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
  });
});

describe('conditional GET and HEAD', () => {
  let etag: string;
  let lastModified: Date;

  beforeAll(async () => {
    etag = (await put('conditional.txt', 'conditional body')).ETag!;
    lastModified = (
      await cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'conditional.txt' }))
    ).LastModified!;
  });

  const Key = 'conditional.txt';
  const hourAgo = () => new Date(lastModified.getTime() - 3_600_000);
  const hourAhead = () => new Date(lastModified.getTime() + 3_600_000);

  it('If-Match: the body when the ETag matches, 412 when not', async () => {
    expect((await get({ Key, IfMatch: etag })).text).toBe('conditional body');
    expect((await get({ Key, IfMatch: `"nope", ${etag}` })).text).toBe('conditional body');
    expect((await get({ Key, IfMatch: '*' })).text).toBe('conditional body');
    await expect(get({ Key, IfMatch: '"0123456789abcdef"' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
  });

  it('If-None-Match: 304 when the ETag matches, the body when not', async () => {
    await expect(get({ Key, IfNoneMatch: etag })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    await expect(
      cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key, IfNoneMatch: etag })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    expect((await get({ Key, IfNoneMatch: '"other"' })).text).toBe('conditional body');
    // The 304 still carries the validators.
    const raw = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      key: Key,
      headers: { 'if-none-match': etag },
    });
    expect([raw.status, raw.headers.etag, raw.body.length]).toEqual([304, etag, 0]);
  });

  it('If-Modified-Since and If-Unmodified-Since compare with Last-Modified', async () => {
    expect((await get({ Key, IfModifiedSince: hourAgo() })).text).toBe('conditional body');
    await expect(get({ Key, IfModifiedSince: hourAhead() })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    // Last-Modified itself, at the whole second HTTP dates have: not modified since.
    await expect(get({ Key, IfModifiedSince: lastModified })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
    expect((await get({ Key, IfUnmodifiedSince: hourAhead() })).text).toBe('conditional body');
    await expect(get({ Key, IfUnmodifiedSince: hourAgo() })).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
  });

  it('If-Match decides before If-Unmodified-Since, If-None-Match before If-Modified-Since', async () => {
    expect((await get({ Key, IfMatch: etag, IfUnmodifiedSince: hourAgo() })).text).toBe(
      'conditional body',
    );
    await expect(get({ Key, IfNoneMatch: etag, IfModifiedSince: hourAgo() })).rejects.toMatchObject(
      { $metadata: { httpStatusCode: 304 } },
    );
  });
});

describe('conditional PUT', () => {
  it('If-None-Match: * creates only when absent; the second writer gets 412', async () => {
    const Key = 'create-once.txt';
    await put(Key, 'first writer', { IfNoneMatch: '*' });
    await expect(put(Key, 'second writer', { IfNoneMatch: '*' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect((await get({ Key })).text).toBe('first writer');
  });

  it('of writers racing with If-None-Match: *, exactly one wins', async () => {
    const Key = 'race.txt';
    const bodies = Array.from({ length: 8 }, (_, i) => `writer ${i}`);
    const outcomes = await Promise.allSettled(
      bodies.map((body) => put(Key, body, { IfNoneMatch: '*' })),
    );
    const winners = outcomes.flatMap((outcome, i) =>
      outcome.status === 'fulfilled' ? [bodies[i]] : [],
    );
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ name: 'PreconditionFailed' });
    }
    expect((await get({ Key })).text).toBe(winners[0]);
  });

  it('If-Match replaces only the version it names', async () => {
    const Key = 'compare-and-swap.txt';
    const first = await put(Key, 'v1');
    const second = await put(Key, 'v2', { IfMatch: first.ETag });
    await expect(put(Key, 'v3', { IfMatch: first.ETag })).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
    expect((await get({ Key })).text).toBe('v2');
    expect(second.ETag).toBe(quotedMd5('v2'));
    await expect(put('never-written.txt', 'x', { IfMatch: first.ETag })).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('Range', () => {
  const body = randomBytes(1000);
  const Key = 'ranged.bin';

  beforeAll(async () => {
    await put(Key, body);
    await put('empty.bin', new Uint8Array(0));
  });

  it.each([
    ['bytes=0-0', 0, 0],
    ['bytes=990-', 990, 999],
    ['bytes=-5', 995, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=100-5000', 100, 999],
    ['bytes=999-999', 999, 999],
  ])('%s → 206 with bytes %i-%i', async (Range, start, end) => {
    const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key, Range }));
    expect(got.$metadata.httpStatusCode).toBe(206);
    expect(got.ContentRange).toBe(`bytes ${start}-${end}/1000`);
    expect(got.ContentLength).toBe(end - start + 1);
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(body.subarray(start, end + 1))).toBe(true);
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])(
    '%s → 416 InvalidRange with the object size',
    async (range) => {
      const response = await sendSigned(cluster.endpoint, {
        method: 'GET',
        bucket,
        key: Key,
        headers: { range },
      });
      const error = expectS3Error(response, 416, 'InvalidRange');
      expect(error.ActualObjectSize).toBe('1000');
    },
  );

  it('serves the whole object (200) for several ranges or a range it cannot parse', async () => {
    for (const Range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-2']) {
      const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key, Range }));
      expect(got.$metadata.httpStatusCode).toBe(200);
      expect((await got.Body!.transformToByteArray()).length).toBe(1000);
    }
  });

  it('an empty object: every first-byte range is 416, a suffix range serves it empty', async () => {
    const response = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      key: 'empty.bin',
      headers: { range: 'bytes=0-' },
    });
    expectS3Error(response, 416, 'InvalidRange');
    const suffix = await cluster.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'empty.bin', Range: 'bytes=-10' }),
    );
    expect(suffix.ContentLength).toBe(0);
  });
});

describe('presigned URLs', () => {
  it('a presigned GET can override the response headers (response-content-type & co.)', async () => {
    await put('report.csv', 'a,b\n1,2\n', { ContentType: 'application/octet-stream' });
    const url = await getSignedUrl(
      cluster.s3,
      new GetObjectCommand({
        Bucket: bucket,
        Key: 'report.csv',
        ResponseContentType: 'text/csv',
        ResponseContentDisposition: 'attachment; filename="report.csv"',
        ResponseCacheControl: 'no-store',
      }),
      { expiresIn: 300 },
    );
    const response = await send(url, { method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.text).toBe('a,b\n1,2\n');
    expect(response.headers['content-type']).toBe('text/csv');
    expect(response.headers['content-disposition']).toBe('attachment; filename="report.csv"');
    expect(response.headers['cache-control']).toBe('no-store');
    // The override is part of the signature: changing it breaks the URL.
    const tampered = await send(url.replace('text%2Fcsv', 'text%2Fhtml'), { method: 'GET' });
    expectS3Error(tampered, 403, 'SignatureDoesNotMatch');
  });

  it('a presigned GET works for a key that needs encoding', async () => {
    const key = 'odd keys/ü+ & ?=#.txt';
    await put(key, 'odd but signed');
    const url = await getSignedUrl(cluster.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 300,
    });
    const response = await send(url, { method: 'GET' });
    expect([response.status, response.text]).toEqual([200, 'odd but signed']);
  });

  it('a presigned PUT stores a body sent by a plain HTTP client', async () => {
    const url = await getSignedUrl(
      cluster.s3,
      new PutObjectCommand({ Bucket: bucket, Key: 'uploaded/by-url.txt' }),
      { expiresIn: 300 },
    );
    const response = await send(url, {
      method: 'PUT',
      body: 'sent without the SDK',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe(quotedMd5('sent without the SDK'));
    const got = await get({ Key: 'uploaded/by-url.txt' });
    expect([got.text, got.ContentType]).toEqual(['sent without the SDK', 'text/plain']);
  });
});
