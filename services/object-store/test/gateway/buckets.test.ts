import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBucketName } from '../support/new-bucket-name.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { sendSigned } from '../support/signed-request.ts';
import { ACCESS_KEY, startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;

beforeAll(async () => {
  cluster = await startStoreCluster();
});

afterAll(async () => {
  await cluster?.close();
});

async function createBucket(base: string): Promise<string> {
  const bucket = newBucketName(base);
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function bucketNames(): Promise<string[]> {
  const { Buckets = [] } = await cluster.s3.send(new ListBucketsCommand({}));
  return Buckets.map((bucket) => bucket.Name!);
}

const deleteBucket = (bucket: string) =>
  cluster.s3.send(new DeleteBucketCommand({ Bucket: bucket }));

async function enableVersioning(bucket: string): Promise<void> {
  await cluster.s3.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
}

describe('bucket life cycle', () => {
  it('creates, heads, lists and deletes a bucket', async () => {
    const before = new Date(Date.now() - 1_000);
    const bucket = await createBucket('life');
    const head = await cluster.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe('us-east-1');

    const listed = await cluster.s3.send(new ListBucketsCommand({}));
    const entry = listed.Buckets?.find((candidate) => candidate.Name === bucket);
    expect(entry?.CreationDate?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(listed.Owner).toEqual({ ID: ACCESS_KEY, DisplayName: ACCESS_KEY });

    const deleted = await deleteBucket(bucket);
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await expect(cluster.s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await bucketNames()).not.toContain(bucket);
  });

  it('lists buckets in name order', async () => {
    const names = await Promise.all(['order-c', 'order-a', 'order-b'].map(createBucket));
    const listed = (await bucketNames()).filter((name) => names.includes(name));
    expect(listed).toEqual([...names].sort());
  });

  it('answers BucketAlreadyOwnedByYou to a second CreateBucket of the same name', async () => {
    const bucket = await createBucket('twice');
    await expect(
      cluster.s3.send(new CreateBucketCommand({ Bucket: bucket })),
    ).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('refuses to delete a bucket holding an object, until the object is gone', async () => {
    const bucket = await createBucket('holds-object');
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.txt', Body: 'x' }));
    await expect(deleteBucket(bucket)).rejects.toMatchObject({
      name: 'BucketNotEmpty',
      $metadata: { httpStatusCode: 409 },
    });
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a/b.txt' }));
    await deleteBucket(bucket);
    expect(await bucketNames()).not.toContain(bucket);
  });

  it('refuses to delete a versioned bucket while only a delete marker is left', async () => {
    const bucket = await createBucket('holds-marker');
    await enableVersioning(bucket);
    const put = await cluster.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v1' }),
    );
    const marker = await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(marker.DeleteMarker).toBe(true);
    await cluster.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: put.VersionId }),
    );
    // Nothing is listed any more, but the marker still lives in the bucket.
    const listed = await cluster.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.KeyCount).toBe(0);
    await expect(deleteBucket(bucket)).rejects.toMatchObject({ name: 'BucketNotEmpty' });
    await cluster.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: marker.VersionId }),
    );
    await deleteBucket(bucket);
    expect(await bucketNames()).not.toContain(bucket);
  });

  it('refuses to delete a bucket with a multipart upload in progress, until it is aborted', async () => {
    const bucket = await createBucket('holds-upload');
    const { UploadId } = await cluster.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin' }),
    );
    await expect(deleteBucket(bucket)).rejects.toMatchObject({ name: 'BucketNotEmpty' });
    await cluster.s3.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'big.bin', UploadId }),
    );
    await deleteBucket(bucket);
    expect(await bucketNames()).not.toContain(bucket);
  });

  it('answers NoSuchBucket to deleting a bucket that does not exist', async () => {
    await expect(deleteBucket(newBucketName('never'))).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('bucket names', () => {
  // Sent raw: the SDK would refuse some of these names before sending them.
  const invalid = [
    'ab',
    'a'.repeat(64),
    'Upper-Case',
    'under_score',
    '-leading-hyphen',
    'trailing-hyphen-',
    '.leading-dot',
    'two..dots',
    '192.168.5.4',
    'xn--punycode',
    'sthree-reserved',
    'name-s3alias',
    'name--ol-s3',
  ];

  it.each(invalid)('refuses to create %j with 400 InvalidBucketName', async (name) => {
    const response = await sendSigned(cluster.endpoint, { method: 'PUT', bucket: name });
    const error = expectS3Error(response, 400, 'InvalidBucketName');
    expect(error.BucketName).toBe(name);
    expect(await bucketNames()).not.toContain(name);
  });

  it('accepts names at the edges of the rules', async () => {
    for (const name of ['abc', 'a'.repeat(63), 'dots.and-hyphens.9', '1-starts-with-digit']) {
      await cluster.s3.send(new CreateBucketCommand({ Bucket: name }));
      await cluster.s3.send(new HeadBucketCommand({ Bucket: name }));
      await deleteBucket(name);
    }
  });

  it('reads the CreateBucketConfiguration body (and refuses a malformed one)', async () => {
    const bucket = newBucketName('configured');
    await cluster.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
      }),
    );
    await cluster.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const response = await sendSigned(cluster.endpoint, {
      method: 'PUT',
      bucket: newBucketName('malformed'),
      body: '<CreateBucketConfiguration><LocationConstraint>',
    });
    expectS3Error(response, 400, 'MalformedXML');
  });
});

describe('bucket sub-resources', () => {
  let bucket: string;

  beforeAll(async () => {
    bucket = await createBucket('subresources');
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'acl.txt', Body: 'acl' }));
  });

  it('tells the location: empty LocationConstraint, which means us-east-1', async () => {
    const location = await cluster.s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    expect(location.$metadata.httpStatusCode).toBe(200);
    expect(location.LocationConstraint ?? '').toBe('');
    const raw = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      query: { location: '' },
    });
    expect(raw.text).toContain('<LocationConstraint');
  });

  it('answers the bucket and object ACL: the owner with FULL_CONTROL', async () => {
    const owner = { ID: ACCESS_KEY, DisplayName: ACCESS_KEY };
    for (const acl of [
      await cluster.s3.send(new GetBucketAclCommand({ Bucket: bucket })),
      await cluster.s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'acl.txt' })),
    ]) {
      expect(acl.Owner).toEqual(owner);
      expect(acl.Grants).toEqual([
        {
          Grantee: { ...owner, Type: 'CanonicalUser' },
          Permission: 'FULL_CONTROL',
        },
      ]);
    }
    await expect(
      cluster.s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'missing.txt' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('refuses to set ACLs (501) rather than mistake PutObjectAcl for a PUT of the object', async () => {
    await expect(
      cluster.s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'acl.txt', ACL: 'private' })),
    ).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    await expect(
      cluster.s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' })),
    ).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'acl.txt' }));
    expect(await got.Body!.transformToString()).toBe('acl');
  });

  it('reads and changes the versioning status', async () => {
    const status = async () =>
      (await cluster.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
    expect(await status()).toBeUndefined();
    await enableVersioning(bucket);
    expect(await status()).toBe('Enabled');
    await cluster.s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    expect(await status()).toBe('Suspended');
    const bad = await sendSigned(cluster.endpoint, {
      method: 'PUT',
      bucket,
      query: { versioning: '' },
      body: '<VersioningConfiguration><Status>Sometimes</Status></VersioningConfiguration>',
    });
    expectS3Error(bad, 400, 'MalformedXML');
    expect(await status()).toBe('Suspended');
  });

  it('answers 501 NotImplemented to a sub-resource this store does not have', async () => {
    const response = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      query: { lifecycle: '' },
    });
    expectS3Error(response, 501, 'NotImplemented');
  });
});

describe('operations in a bucket that does not exist', () => {
  const Bucket = newBucketName('missing');
  const Key = 'some/key.txt';
  const operations = {
    PutObject: () => cluster.s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' })),
    GetObject: () => cluster.s3.send(new GetObjectCommand({ Bucket, Key })),
    DeleteObject: () => cluster.s3.send(new DeleteObjectCommand({ Bucket, Key })),
    DeleteObjects: () =>
      cluster.s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key }] } })),
    GetObjectAcl: () => cluster.s3.send(new GetObjectAclCommand({ Bucket, Key })),
    CopyObject: () =>
      cluster.s3.send(new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/other` })),
    CreateMultipartUpload: () => cluster.s3.send(new CreateMultipartUploadCommand({ Bucket, Key })),
    ListObjectsV2: () => cluster.s3.send(new ListObjectsV2Command({ Bucket })),
    ListObjectVersions: () => cluster.s3.send(new ListObjectVersionsCommand({ Bucket })),
    ListMultipartUploads: () => cluster.s3.send(new ListMultipartUploadsCommand({ Bucket })),
    GetBucketVersioning: () => cluster.s3.send(new GetBucketVersioningCommand({ Bucket })),
    PutBucketVersioning: () =>
      cluster.s3.send(
        new PutBucketVersioningCommand({
          Bucket,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      ),
    GetBucketLocation: () => cluster.s3.send(new GetBucketLocationCommand({ Bucket })),
    GetBucketAcl: () => cluster.s3.send(new GetBucketAclCommand({ Bucket })),
  };

  it.each(Object.keys(operations))('%s answers 404 NoSuchBucket', async (name) => {
    await expect(operations[name as keyof typeof operations]()).rejects.toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('HeadObject answers 404 (a HEAD has no body to name the code)', async () => {
    await expect(cluster.s3.send(new HeadObjectCommand({ Bucket, Key }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('copying from a missing source bucket answers NoSuchBucket', async () => {
    const target = await createBucket('copy-target');
    await expect(
      cluster.s3.send(
        new CopyObjectCommand({ Bucket: target, Key: 'copy', CopySource: `${Bucket}/${Key}` }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
