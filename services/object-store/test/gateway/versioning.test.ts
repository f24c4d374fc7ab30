import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { BucketVersioningStatus } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listVersionsInOrder } from '../support/list-versions-in-order.ts';
import { newBucketName } from '../support/new-bucket-name.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { sendSigned } from '../support/signed-request.ts';
import { startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;

beforeAll(async () => {
  cluster = await startStoreCluster();
});

afterAll(async () => {
  await cluster?.close();
});

const md5 = (text: string) => `"${createHash('md5').update(text).digest('hex')}"`;

async function versionedBucket(base: string): Promise<string> {
  const bucket = newBucketName(base);
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await setVersioning(bucket, 'Enabled');
  return bucket;
}

async function setVersioning(bucket: string, status: BucketVersioningStatus): Promise<void> {
  await cluster.s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }),
  );
}

async function put(bucket: string, key: string, body: string): Promise<string | undefined> {
  const { VersionId } = await cluster.s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }),
  );
  return VersionId;
}

async function read(bucket: string, key: string, versionId?: string) {
  const got = await cluster.s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
  );
  return { body: await got.Body!.transformToString(), versionId: got.VersionId };
}

/** Versions and delete markers of `key` in the listing's order, as `[kind, versionId, isLatest]`. */
async function history(bucket: string, key: string) {
  const page = await listVersionsInOrder(cluster.endpoint, bucket, { prefix: key });
  return page.entries
    .filter((entry) => entry.key === key)
    .map((entry) => [entry.kind, entry.versionId, entry.isLatest]);
}

describe('a versioned object through its life', () => {
  let bucket: string;
  const key = 'reports/q1.txt';
  const ids: string[] = [];

  beforeAll(async () => {
    bucket = await versionedBucket('life');
    for (const body of ['first', 'second', 'third']) ids.push((await put(bucket, key, body))!);
  });

  it('gives each PUT its own version id and lists them newest first', async () => {
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).not.toBe('null');
    const listed = await cluster.s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }),
    );
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest, v.ETag, v.Size])).toEqual([
      [ids[2], true, md5('third'), 5],
      [ids[1], false, md5('second'), 6],
      [ids[0], false, md5('first'), 5],
    ]);
    expect(listed.DeleteMarkers).toBeUndefined();
  });

  it('reads the latest version, and any version by its id (GET and HEAD)', async () => {
    expect(await read(bucket, key)).toEqual({ body: 'third', versionId: ids[2] });
    expect(await read(bucket, key, ids[0])).toEqual({ body: 'first', versionId: ids[0] });
    const head = await cluster.s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[1] }),
    );
    expect([head.VersionId, head.ContentLength, head.ETag]).toEqual([ids[1], 6, md5('second')]);
  });

  it('answers a version id it does not know with NoSuchVersion, and a malformed one with 400', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    await expect(read(bucket, key, unknown)).rejects.toMatchObject({
      name: 'NoSuchVersion',
      $metadata: { httpStatusCode: 404 },
    });
    const malformed = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      key,
      query: { versionId: 'not-a-version' },
    });
    expectS3Error(malformed, 400, 'InvalidArgument');
  });

  it('hides the object behind a delete marker, which deleting brings it back from', async () => {
    const deleted = await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(deleted.DeleteMarker).toBe(true);
    const markerId = deleted.VersionId!;
    expect(ids).not.toContain(markerId);

    // GET and HEAD answer 404 NoSuchKey, saying a delete marker is why.
    const get = await sendSigned(cluster.endpoint, { method: 'GET', bucket, key });
    expectS3Error(get, 404, 'NoSuchKey');
    expect(get.headers['x-amz-delete-marker']).toBe('true');
    expect(get.headers['x-amz-version-id']).toBe(markerId);
    const head = await sendSigned(cluster.endpoint, { method: 'HEAD', bucket, key });
    expect(head.status).toBe(404);
    expect(head.headers['x-amz-delete-marker']).toBe('true');
    await expect(read(bucket, key)).rejects.toMatchObject({ name: 'NoSuchKey' });

    // The marker itself cannot be read: 405, as S3 answers.
    const getMarker = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      key,
      query: { versionId: markerId },
    });
    expectS3Error(getMarker, 405, 'MethodNotAllowed');
    expect(getMarker.headers['x-amz-delete-marker']).toBe('true');

    // Older versions stay readable by id; the listing shows the marker on top.
    expect((await read(bucket, key, ids[1])).body).toBe('second');
    expect(await history(bucket, key)).toEqual([
      ['marker', markerId, true],
      ['version', ids[2], false],
      ['version', ids[1], false],
      ['version', ids[0], false],
    ]);
    const current = await cluster.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(current.Contents ?? []).toEqual([]);

    const undone = await cluster.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: markerId }),
    );
    expect([undone.DeleteMarker, undone.VersionId]).toEqual([true, markerId]);
    expect(await read(bucket, key)).toEqual({ body: 'third', versionId: ids[2] });
  });

  it('deletes a version for good by its id; deleting the latest promotes the one before', async () => {
    const removed = await cluster.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[1] }),
    );
    expect([removed.DeleteMarker, removed.VersionId]).toEqual([undefined, ids[1]]);
    await expect(read(bucket, key, ids[1])).rejects.toMatchObject({ name: 'NoSuchVersion' });
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[2] }));
    expect(await read(bucket, key)).toEqual({ body: 'first', versionId: ids[0] });
    expect(await history(bucket, key)).toEqual([['version', ids[0], true]]);
  });
});

describe('other writes in a versioned bucket', () => {
  it('a completed multipart upload and a copy each make a new version', async () => {
    const bucket = await versionedBucket('writes');
    const first = await put(bucket, 'k', 'put');
    const { UploadId } = await cluster.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k' }),
    );
    const part = await cluster.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'k', UploadId, PartNumber: 1, Body: 'parts' }),
    );
    const completed = await cluster.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'k',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const copied = await cluster.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'k',
        CopySource: `${bucket}/k?versionId=${first}`,
      }),
    );
    expect(await history(bucket, 'k')).toEqual([
      ['version', copied.VersionId, true],
      ['version', completed.VersionId, false],
      ['version', first, false],
    ]);
    expect(await read(bucket, 'k', completed.VersionId)).toEqual({
      body: 'parts',
      versionId: completed.VersionId,
    });
    expect((await read(bucket, 'k')).body).toBe('put');
  });
});

describe('the null version', () => {
  it('keeps an object stored before versioning was enabled as version "null"', async () => {
    const bucket = newBucketName('before');
    await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    expect(await put(bucket, 'k', 'unversioned')).toBeUndefined();
    await setVersioning(bucket, 'Enabled');
    const v2 = await put(bucket, 'k', 'versioned');
    expect(await history(bucket, 'k')).toEqual([
      ['version', v2, true],
      ['version', 'null', false],
    ]);
    expect(await read(bucket, 'k', 'null')).toEqual({ body: 'unversioned', versionId: 'null' });
  });

  it('while suspended, PUT and DELETE replace the null version and keep the others', async () => {
    const bucket = await versionedBucket('suspended');
    const kept = await put(bucket, 'k', 'kept');
    await setVersioning(bucket, 'Suspended');

    await put(bucket, 'k', 'null one');
    await put(bucket, 'k', 'null two');
    expect(await history(bucket, 'k')).toEqual([
      ['version', 'null', true],
      ['version', kept, false],
    ]);
    expect(await read(bucket, 'k')).toEqual({ body: 'null two', versionId: 'null' });
    expect(await read(bucket, 'k', 'null')).toMatchObject({ body: 'null two' });

    // A DELETE stacks a delete marker whose id is "null": it replaces the null version.
    const deleted = await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect([deleted.DeleteMarker, deleted.VersionId]).toEqual([true, 'null']);
    expect(await history(bucket, 'k')).toEqual([
      ['marker', 'null', true],
      ['version', kept, false],
    ]);
    await expect(read(bucket, 'k')).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect((await read(bucket, 'k', kept)).body).toBe('kept');

    // Enabled again, new versions get ids and the null marker stays beneath them.
    await setVersioning(bucket, 'Enabled');
    const v3 = await put(bucket, 'k', 'back');
    expect(await history(bucket, 'k')).toEqual([
      ['version', v3, true],
      ['marker', 'null', false],
      ['version', kept, false],
    ]);
  });
});

describe('ListObjectVersions pagination', () => {
  let bucket: string;

  beforeAll(async () => {
    bucket = await versionedBucket('pages');
    for (const key of ['a', 'b/1', 'b/2', 'c', 'd']) {
      for (const body of ['one', 'two', 'three']) await put(bucket, `${key}.txt`, body);
    }
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c.txt' }));
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c.txt' }));
  });

  /** Every page, continuing from NextKeyMarker and NextVersionIdMarker. */
  async function walk(query: Record<string, string>) {
    const entries: string[] = [];
    const prefixes: string[] = [];
    let markers: Record<string, string> = {};
    let pages = 0;
    for (;;) {
      const page = await listVersionsInOrder(cluster.endpoint, bucket, { ...query, ...markers });
      pages++;
      const size = page.entries.length + page.commonPrefixes.length;
      expect(size).toBeLessThanOrEqual(Number(query['max-keys'] ?? 1000));
      entries.push(...page.entries.map(({ key, versionId }) => `${key}@${versionId}`));
      prefixes.push(...page.commonPrefixes);
      if (!page.isTruncated) return { entries, prefixes, pages };
      markers = {
        'key-marker': page.nextKeyMarker!,
        'version-id-marker': page.nextVersionIdMarker ?? '',
      };
    }
  }

  it('walks every version and delete marker once, in every page size', async () => {
    const whole = await walk({});
    expect(whole.pages).toBe(1);
    expect(whole.entries).toHaveLength(17);
    expect(new Set(whole.entries).size).toBe(17);
    expect(whole.entries.map((entry) => entry.split('@')[0])).toEqual([
      ...Array<string>(3).fill('a.txt'),
      ...Array<string>(3).fill('b/1.txt'),
      ...Array<string>(3).fill('b/2.txt'),
      ...Array<string>(5).fill('c.txt'),
      ...Array<string>(3).fill('d.txt'),
    ]);
    // Newest first within a key: c.txt's two delete markers come before its three versions.
    expect((await history(bucket, 'c.txt')).map(([kind, , latest]) => [kind, latest])).toEqual([
      ['marker', true],
      ['marker', false],
      ['version', false],
      ['version', false],
      ['version', false],
    ]);
    for (const maxKeys of [1, 2, 4, 5]) {
      const paged = await walk({ 'max-keys': String(maxKeys) });
      expect(paged.entries).toEqual(whole.entries);
      expect(paged.pages).toBe(Math.ceil(17 / maxKeys));
    }
  });

  it('continues in the middle of one key’s versions from a version-id marker', async () => {
    const whole = await walk({ prefix: 'c.txt' });
    const [, second] = whole.entries;
    const page = await cluster.s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        KeyMarker: 'c.txt',
        VersionIdMarker: second!.split('@')[1],
      }),
    );
    const after = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((entry) => entry.Key === 'c.txt')
      .map((entry) => `c.txt@${entry.VersionId}`);
    expect(after.sort()).toEqual(whole.entries.slice(2).sort());
    expect(page.Versions?.some((v) => v.Key === 'd.txt')).toBe(true);
  });

  it('pages with the SDK’s KeyMarker and VersionIdMarker just the same', async () => {
    const seen: string[] = [];
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      const page = await cluster.s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 3, ...markers }),
      );
      const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
      expect(entries.length).toBeLessThanOrEqual(3);
      seen.push(...entries.map((entry) => `${entry.Key}@${entry.VersionId}`));
      if (page.IsTruncated !== true) break;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
    expect(seen.sort()).toEqual((await walk({})).entries.sort());
  });

  it('groups versions under common prefixes with a delimiter', async () => {
    const { entries, prefixes } = await walk({ delimiter: '/', 'max-keys': '2' });
    expect(prefixes).toEqual(['b/']);
    expect(entries.some((entry) => entry.startsWith('b/'))).toBe(false);
    expect(entries).toHaveLength(11);
  });
});
