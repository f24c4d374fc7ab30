import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { Client as MinioClient } from 'minio';
import type { BucketItem } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBucketName } from '../support/new-bucket-name.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { isInstalled, runCli } from '../support/run-cli.ts';
import { sendSigned } from '../support/signed-request.ts';
import { ACCESS_KEY, SECRET_KEY, startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;
let bucket: string;
let workDir: string;

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = newBucketName('clients');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  workDir = await mkdtemp(join(tmpdir(), 'object-store-clients-'));
});

afterAll(async () => {
  await cluster?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

const md5Hex = (bytes: Uint8Array | string) => createHash('md5').update(bytes).digest('hex');
const gateway = () => new URL(cluster.endpoint);

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sdkRead(key: string): Promise<Buffer> {
  const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

async function sdkKeys(prefix: string): Promise<string[]> {
  const listed = await cluster.s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }),
  );
  return (listed.Contents ?? []).map((object) => object.Key!);
}

describe('minio-js (signs the payload SHA-256 over plain HTTP)', () => {
  let minio: MinioClient;

  beforeAll(() => {
    minio = new MinioClient({
      endPoint: gateway().hostname,
      port: Number(gateway().port),
      useSSL: false,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      region: 'us-east-1',
      pathStyle: true,
    });
  });

  it('puts, stats, gets (whole and partial), lists and removes objects', async () => {
    expect(await minio.bucketExists(bucket)).toBe(true);
    const body = randomBytes(150_000);
    const put = await minio.putObject(bucket, 'minio/blob.bin', body, body.length, {
      'Content-Type': 'application/x-minio',
      'X-Amz-Meta-Origin': 'minio-js',
    });
    expect(put.etag).toBe(md5Hex(body));
    await minio.putObject(bucket, 'minio/dir/with space.txt', 'spaced out');

    const stat = await minio.statObject(bucket, 'minio/blob.bin');
    expect([stat.size, stat.etag, stat.metaData['content-type'], stat.metaData.origin]).toEqual([
      body.length,
      md5Hex(body),
      'application/x-minio',
      'minio-js',
    ]);
    expect((await readStream(await minio.getObject(bucket, 'minio/blob.bin'))).equals(body)).toBe(
      true,
    );
    const partial = await readStream(
      await minio.getPartialObject(bucket, 'minio/blob.bin', 70_000, 100),
    );
    expect(partial.equals(body.subarray(70_000, 70_100))).toBe(true);

    // Both listing flavours, through minio-js's own paging and URL decoding.
    const collect = async (stream: AsyncIterable<BucketItem>) => {
      const names: string[] = [];
      for await (const item of stream) names.push(item.name ?? `prefix:${item.prefix}`);
      return names;
    };
    expect(await collect(minio.listObjectsV2(bucket, 'minio/', true))).toEqual([
      'minio/blob.bin',
      'minio/dir/with space.txt',
    ]);
    expect(await collect(minio.listObjects(bucket, 'minio/', false))).toEqual([
      'minio/blob.bin',
      'prefix:minio/dir/',
    ]);

    await minio.removeObject(bucket, 'minio/blob.bin');
    await minio.removeObjects(bucket, ['minio/dir/with space.txt']);
    expect(await sdkKeys('minio/')).toEqual([]);
  });

  it('reads what the AWS SDK wrote, and the SDK reads what minio-js wrote', async () => {
    await cluster.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'mixed/from-sdk.txt', Body: 'from the sdk' }),
    );
    const fromSdk = await readStream(await minio.getObject(bucket, 'mixed/from-sdk.txt'));
    expect(fromSdk.toString()).toBe('from the sdk');
    await minio.putObject(bucket, 'mixed/from-minio.txt', 'from minio');
    expect((await sdkRead('mixed/from-minio.txt')).toString()).toBe('from minio');
  });

  it('surfaces the gateway’s S3 errors as minio-js error codes', async () => {
    await expect(minio.statObject(bucket, 'minio/missing')).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(minio.getObject(bucket, 'minio/missing')).rejects.toMatchObject({
      code: 'NoSuchKey',
    });
  });
});

describe('DeleteObjects through @aws-sdk/client-s3 (a checksum header on the XML body)', () => {
  it('deletes the named keys, reports each one, and leaves the rest', async () => {
    const keys = ['batch/a', 'batch/ spaced & <escaped> ', 'batch/c', 'batch/keep'];
    for (const Key of keys) {
      await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
    }
    const sent: Record<string, string>[] = [];
    cluster.s3.middlewareStack.add(
      (next) => async (args) => {
        const { headers } = args.request as { headers: Record<string, string> };
        sent.push({ ...headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'recordDeleteObjectsHeaders' },
    );
    try {
      const result = await cluster.s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: {
            Objects: [
              { Key: 'batch/a' },
              { Key: 'batch/ spaced & <escaped> ' },
              { Key: 'batch/c' },
              { Key: 'batch/never' },
            ],
          },
        }),
      );
      // S3 reports a key that did not exist as deleted too: the end state is what was asked.
      expect(result.Deleted?.map((entry) => entry.Key).sort()).toEqual([
        'batch/ spaced & <escaped> ',
        'batch/a',
        'batch/c',
        'batch/never',
      ]);
      expect(result.Errors).toBeUndefined();
    } finally {
      cluster.s3.middlewareStack.remove('recordDeleteObjectsHeaders');
    }
    const checksumHeaders = Object.keys(sent[0]!).filter(
      (name) =>
        name.toLowerCase().startsWith('x-amz-checksum-') || name.toLowerCase() === 'content-md5',
    );
    expect(checksumHeaders.length).toBeGreaterThan(0);
    expect(await sdkKeys('batch/')).toEqual(['batch/keep']);
  });

  it('quiet mode lists only failures; a bad version id fails that key alone', async () => {
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'quiet/a', Body: 'a' }));
    const result = await cluster.s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: {
          Quiet: true,
          Objects: [{ Key: 'quiet/a' }, { Key: 'quiet/b', VersionId: 'not-a-version-id' }],
        },
      }),
    );
    expect(result.Deleted).toBeUndefined();
    expect(result.Errors?.map((error) => [error.Key, error.Code])).toEqual([
      ['quiet/b', 'InvalidArgument'],
    ]);
    for (const error of result.Errors!) expect(error.Message).not.toBe('');
    expect(await sdkKeys('quiet/')).toEqual([]);
  });

  it('in a versioned bucket, stacks delete markers, or deletes the versions named', async () => {
    const versioned = newBucketName('batch-versions');
    await cluster.s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await cluster.s3.send(
      new PutBucketVersioningCommand({
        Bucket: versioned,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const put = (Key: string) =>
      cluster.s3.send(new PutObjectCommand({ Bucket: versioned, Key, Body: Key }));
    await put('marked');
    const pinned = await put('pinned');
    const result = await cluster.s3.send(
      new DeleteObjectsCommand({
        Bucket: versioned,
        Delete: { Objects: [{ Key: 'marked' }, { Key: 'pinned', VersionId: pinned.VersionId }] },
      }),
    );
    const byKey = new Map(result.Deleted?.map((entry) => [entry.Key, entry]));
    expect(byKey.get('marked')).toMatchObject({ DeleteMarker: true });
    expect(byKey.get('marked')?.DeleteMarkerVersionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byKey.get('pinned')).toMatchObject({ VersionId: pinned.VersionId });
    expect(byKey.get('pinned')?.DeleteMarker).toBeUndefined();
    for (const Key of ['marked', 'pinned']) {
      await expect(
        cluster.s3.send(new HeadObjectCommand({ Bucket: versioned, Key })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    }
  });

  it('a Content-MD5 that does not match the XML is 400 BadDigest and deletes nothing', async () => {
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digest/kept', Body: 'k' }));
    const body = '<Delete><Object><Key>digest/kept</Key></Object></Delete>';
    const response = await sendSigned(cluster.endpoint, {
      method: 'POST',
      bucket,
      query: { delete: '' },
      body,
      headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
    });
    expectS3Error(response, 400, 'BadDigest');
    expect(await sdkKeys('digest/')).toEqual(['digest/kept']);
  });
});

const awsMissing = isInstalled('aws') ? '' : ' (skipped: no `aws` on PATH; apt-get install awscli)';

describe.skipIf(awsMissing !== '')(`the AWS CLI${awsMissing}`, () => {
  let env: Record<string, string>;
  const aws = (...args: string[]) =>
    runCli('aws', ['--endpoint-url', cluster.endpoint, ...args], env);

  beforeAll(async () => {
    const config = join(workDir, 'aws-config');
    // Multipart from 5 MB on (the CLI's smallest part size) rather than 8, to move less data.
    await writeFile(
      config,
      [
        '[default]',
        'region = us-east-1',
        's3 =',
        '    addressing_style = path',
        '    multipart_threshold = 5MB',
        '    multipart_chunksize = 5MB',
        '',
      ].join('\n'),
    );
    env = {
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-credentials'),
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
  });

  it('copies files up (one multipart), lists, copies them down and removes them', async () => {
    const small = join(workDir, 'small.txt');
    const big = join(workDir, 'big.bin');
    const bigBody = randomBytes(5 * 1024 * 1024 + 17); // just over the multipart threshold
    await writeFile(small, 'hello from the aws cli\n');
    await writeFile(big, bigBody);

    await aws('s3', 'cp', small, `s3://${bucket}/cli/small.txt`);
    await aws('s3', 'cp', big, `s3://${bucket}/cli/big.bin`);
    expect((await sdkRead('cli/small.txt')).toString()).toBe('hello from the aws cli\n');
    const head = JSON.parse(
      await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'cli/big.bin'),
    ) as { ContentLength: number; ETag: string };
    expect(head.ContentLength).toBe(bigBody.length);
    expect(head.ETag).toMatch(/-2"$/);

    const listing = await aws('s3', 'ls', `s3://${bucket}/cli/`);
    expect(listing).toMatch(/\s23 small\.txt\n/);
    expect(listing).toContain(`${bigBody.length} big.bin`);

    // Downloading an object this big, the CLI reads it in ranged GETs.
    const down = join(workDir, 'big.down');
    await aws('s3', 'cp', `s3://${bucket}/cli/big.bin`, down);
    expect(md5Hex(await readFile(down))).toBe(md5Hex(bigBody));

    await aws('s3', 'rm', `s3://${bucket}/cli/`, '--recursive');
    expect(await sdkKeys('cli/')).toEqual([]);
  });

  it('prints the gateway’s error (the CLI needs a non-empty Message)', async () => {
    await expect(
      aws('s3api', 'get-object', '--bucket', bucket, '--key', 'cli/missing', join(workDir, 'x')),
    ).rejects.toThrow(/NoSuchKey.*The specified key does not exist/);
  });
});

const s3cmdMissing = isInstalled('s3cmd')
  ? ''
  : ' (skipped: no `s3cmd` on PATH; apt-get install s3cmd)';

describe.skipIf(s3cmdMissing !== '')(`s3cmd (ListObjects v1, reads ACLs)${s3cmdMissing}`, () => {
  let config: string;
  const s3cmd = (...args: string[]) => runCli('s3cmd', ['-c', config, ...args]);

  beforeAll(async () => {
    config = join(workDir, 's3cmd.cfg');
    const { host } = gateway();
    await writeFile(
      config,
      [
        '[default]',
        `access_key = ${ACCESS_KEY}`,
        `secret_key = ${SECRET_KEY}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        'use_https = False',
        'signature_v2 = False',
        'bucket_location = us-east-1',
        '',
      ].join('\n'),
    );
  });

  it('puts, lists, describes, gets and deletes an object', async () => {
    const local = join(workDir, 's3cmd-upload.txt');
    await writeFile(local, 'hello from s3cmd\n');
    await s3cmd('put', local, `s3://${bucket}/s3cmd/hello.txt`);
    expect((await sdkRead('s3cmd/hello.txt')).toString()).toBe('hello from s3cmd\n');

    const listing = await s3cmd('ls', `s3://${bucket}/s3cmd/`);
    expect(listing).toContain(`s3://${bucket}/s3cmd/hello.txt`);
    const info = await s3cmd('info', `s3://${bucket}/s3cmd/hello.txt`);
    expect(info).toMatch(/File size:\s+17/);
    expect(info).toContain(md5Hex('hello from s3cmd\n'));
    expect(info).toMatch(/ACL:\s+testkey: FULL_CONTROL/);

    const down = join(workDir, 's3cmd-download.txt');
    await s3cmd('get', '--force', `s3://${bucket}/s3cmd/hello.txt`, down);
    expect(await readFile(down, 'utf8')).toBe('hello from s3cmd\n');

    await s3cmd('del', `s3://${bucket}/s3cmd/hello.txt`);
    expect(await sdkKeys('s3cmd/')).toEqual([]);
  });
});
