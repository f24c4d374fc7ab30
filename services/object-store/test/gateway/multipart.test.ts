import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBucketName } from '../support/new-bucket-name.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { sendSigned } from '../support/signed-request.ts';
import { startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

let cluster: StoreCluster;
let bucket: string;

beforeAll(async () => {
  cluster = await startStoreCluster(); // minPartSize 64 KiB
  bucket = newBucketName('multipart');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  await cluster?.close();
});

const md5Hex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** S3's multipart ETag: MD5 of the parts' binary MD5s, a dash and the part count. */
function multipartEtag(partMd5s: string[]): string {
  const outer = createHash('md5');
  for (const md5 of partMd5s) outer.update(Buffer.from(md5, 'hex'));
  return `"${outer.digest('hex')}-${partMd5s.length}"`;
}

async function createUpload(key: string, extra: { ContentType?: string } = {}): Promise<string> {
  const { UploadId } = await cluster.s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...extra }),
  );
  return UploadId!;
}

async function uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer) {
  const { ETag } = await cluster.s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
    }),
  );
  return { PartNumber: partNumber, ETag: ETag! };
}

function complete(key: string, uploadId: string, parts: CompletedPart[]) {
  return cluster.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
}

async function readAll(key: string): Promise<Buffer> {
  const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

describe('a 100 MiB upload through lib-storage', () => {
  const size = 100 * MiB + 12_345;
  const partSize = 8 * MiB;

  /**
   * Random bytes made as they are read (never one 100 MiB buffer), hashed on the way: the
   * SHA-256 of the whole and the MD5 of each part, from which the ETag must follow.
   */
  function generatedBody() {
    const whole = createHash('sha256');
    const partMd5s: string[] = [];
    let part = createHash('md5');
    let inPart = 0;
    function* chunks() {
      for (let sent = 0; sent < size;) {
        const chunk = randomBytes(Math.min(MiB, size - sent, partSize - inPart));
        whole.update(chunk);
        part.update(chunk);
        inPart += chunk.length;
        sent += chunk.length;
        if (inPart === partSize || sent === size) {
          partMd5s.push(part.digest('hex'));
          part = createHash('md5');
          inPart = 0;
        }
        yield chunk;
      }
    }
    return { stream: Readable.from(chunks()), sha256: () => whole.digest('hex'), partMd5s };
  }

  it('stores it in 13 parts and reads back the same bytes', { timeout: 180_000 }, async () => {
    const key = 'big/generated.bin';
    const body = generatedBody();
    const upload = new Upload({
      client: cluster.s3,
      params: { Bucket: bucket, Key: key, Body: body.stream, ContentType: 'application/x-big' },
      partSize,
      queueSize: 4,
    });
    const result = await upload.done();
    const parts = Math.ceil(size / partSize);
    expect(parts).toBe(13);
    expect(body.partMd5s).toHaveLength(parts);
    expect(result.ETag).toMatch(/^"[0-9a-f]{32}-13"$/);
    expect(result.ETag).toBe(multipartEtag(body.partMd5s));
    const expectedSha256 = body.sha256();

    const head = await cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect([head.ContentLength, head.ETag, head.ContentType]).toEqual([
      size,
      result.ETag,
      'application/x-big',
    ]);
    expect(head.PartsCount).toBe(13);

    const got = await cluster.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const read = createHash('sha256');
    let length = 0;
    for await (const chunk of got.Body as Readable) {
      read.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
    expect(length).toBe(size);
    expect(read.digest('hex')).toBe(expectedSha256);
  });
});

describe('multipart uploads by hand', () => {
  it('uploads, lists and completes parts; the object is their concatenation', async () => {
    const key = 'by-hand/object.bin';
    const uploadId = await createUpload(key, { ContentType: 'text/x-parts' });
    const bodies = [randomBytes(100 * KiB), randomBytes(70 * KiB), randomBytes(10 * KiB)];
    const parts = [];
    for (const [i, part] of bodies.entries())
      parts.push(await uploadPart(key, uploadId, i + 1, part));
    expect(parts.map((part) => part.ETag)).toEqual(bodies.map((part) => `"${md5Hex(part)}"`));

    const listed = await cluster.s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
    expect(listed.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size])).toEqual(
      bodies.map((part, i) => [i + 1, `"${md5Hex(part)}"`, part.length]),
    );
    expect(listed.IsTruncated).toBe(false);

    // Paged: two parts, then the rest from NextPartNumberMarker.
    const first = await cluster.s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 2 }),
    );
    expect(first.Parts?.map((part) => part.PartNumber)).toEqual([1, 2]);
    expect([first.IsTruncated, first.NextPartNumberMarker]).toEqual([true, '2']);
    const rest = await cluster.s3.send(
      new ListPartsCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumberMarker: first.NextPartNumberMarker,
      }),
    );
    expect(rest.Parts?.map((part) => part.PartNumber)).toEqual([3]);

    const done = await complete(key, uploadId, parts);
    expect(done.ETag).toBe(multipartEtag(bodies.map(md5Hex)));
    expect(done.Key).toBe(key);
    expect(done.Bucket).toBe(bucket);
    const whole = Buffer.concat(bodies);
    expect((await readAll(key)).equals(whole)).toBe(true);
    // Ranges that cross from one part (one segment) into the next.
    for (const [start, end] of [
      [100 * KiB - 10, 100 * KiB + 9],
      [100 * KiB - 1, 170 * KiB],
      [0, whole.length - 1],
    ] as const) {
      const got = await cluster.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }),
      );
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect(bytes.equals(whole.subarray(start, end + 1))).toBe(true);
    }
    const head = await cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect([head.ContentType, head.ETag]).toEqual(['text/x-parts', done.ETag]);

    // Completed: the upload is gone.
    await expect(
      cluster.s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
  });

  it('lists uploads in progress by key and upload id, with prefix and markers', async () => {
    const ids = {
      a1: await createUpload('uploads/a'),
      a2: await createUpload('uploads/a'),
      b: await createUpload('uploads/b'),
      other: await createUpload('elsewhere/c'),
    };
    const all = await cluster.s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'uploads/' }),
    );
    expect(all.Uploads?.map((upload) => [upload.Key, upload.UploadId])).toEqual([
      ['uploads/a', [ids.a1, ids.a2].sort()[0]],
      ['uploads/a', [ids.a1, ids.a2].sort()[1]],
      ['uploads/b', ids.b],
    ]);
    for (const upload of all.Uploads!) expect(upload.Initiated).toBeInstanceOf(Date);

    const seen: string[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await cluster.s3.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: 'uploads/',
          MaxUploads: 1,
          ...markers,
        }),
      );
      expect(page.Uploads).toHaveLength(1);
      seen.push(page.Uploads![0]!.UploadId!);
      if (page.IsTruncated !== true) break;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
    expect(seen).toEqual(all.Uploads!.map((upload) => upload.UploadId));

    const grouped = await cluster.s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: '/' }),
    );
    expect(grouped.CommonPrefixes?.map((common) => common.Prefix)).toEqual(
      expect.arrayContaining(['elsewhere/', 'uploads/']),
    );
    for (const [key, id] of [
      ['uploads/a', ids.a1],
      ['uploads/a', ids.a2],
      ['uploads/b', ids.b],
      ['elsewhere/c', ids.other],
    ] as const) {
      await cluster.s3.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }),
      );
    }
    const after = await cluster.s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'uploads/' }),
    );
    expect(after.Uploads ?? []).toEqual([]);
  });

  it('replaces a part uploaded again under the same number', async () => {
    const key = 'by-hand/replaced.bin';
    const uploadId = await createUpload(key);
    const before = randomBytes(80 * KiB);
    const after = randomBytes(90 * KiB);
    await uploadPart(key, uploadId, 1, before);
    const replaced = await uploadPart(key, uploadId, 1, after);
    const tail = await uploadPart(key, uploadId, 2, Buffer.from('tail'));
    const listed = await cluster.s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
    expect(listed.Parts?.map((part) => [part.PartNumber, part.ETag, part.Size])).toEqual([
      [1, `"${md5Hex(after)}"`, after.length],
      [2, tail.ETag, 4],
    ]);
    await complete(key, uploadId, [replaced, tail]);
    expect((await readAll(key)).equals(Buffer.concat([after, Buffer.from('tail')]))).toBe(true);
  });

  it('copies a byte range of another object into a part (UploadPartCopy)', async () => {
    const source = randomBytes(200 * KiB);
    await cluster.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'copy/source', Body: source }),
    );
    const key = 'copy/assembled';
    const uploadId = await createUpload(key);
    const copied = await cluster.s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: 1,
        CopySource: `${bucket}/copy/source`,
        CopySourceRange: 'bytes=1000-99999',
      }),
    );
    const range = source.subarray(1000, 100_000);
    expect(copied.CopyPartResult?.ETag).toBe(`"${md5Hex(range)}"`);
    const whole = await cluster.s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: 2,
        CopySource: `${bucket}/copy/source`,
      }),
    );
    const tail = await uploadPart(key, uploadId, 3, Buffer.from('end'));
    await complete(key, uploadId, [
      { PartNumber: 1, ETag: copied.CopyPartResult!.ETag },
      { PartNumber: 2, ETag: whole.CopyPartResult!.ETag },
      tail,
    ]);
    expect((await readAll(key)).equals(Buffer.concat([range, source, Buffer.from('end')]))).toBe(
      true,
    );

    // A range past the end of the source is 416 InvalidRange; nothing is stored.
    const upload2 = await createUpload(key);
    await expect(
      cluster.s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: upload2,
          PartNumber: 1,
          CopySource: `${bucket}/copy/source`,
          CopySourceRange: `bytes=0-${source.length}`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
    const parts = await cluster.s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: upload2 }),
    );
    expect(parts.Parts ?? []).toEqual([]);
  });
});

describe('UploadPartCopy from a versioned source', () => {
  it('copies the version named and says which one (x-amz-copy-source-version-id)', async () => {
    const source = newBucketName('versioned-source');
    await cluster.s3.send(new CreateBucketCommand({ Bucket: source }));
    await cluster.s3.send(
      new PutBucketVersioningCommand({
        Bucket: source,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const older = randomBytes(70 * KiB);
    const first = await cluster.s3.send(
      new PutObjectCommand({ Bucket: source, Key: 'doc', Body: older }),
    );
    const second = await cluster.s3.send(
      new PutObjectCommand({ Bucket: source, Key: 'doc', Body: 'newer' }),
    );
    const key = 'copy/from-version';
    const uploadId = await createUpload(key);
    const copyPart = (versionId?: string) =>
      cluster.s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: versionId === undefined ? 2 : 1,
          CopySource: `${source}/doc${versionId === undefined ? '' : `?versionId=${versionId}`}`,
        }),
      );
    const pinned = await copyPart(first.VersionId);
    expect(pinned.CopySourceVersionId).toBe(first.VersionId);
    const latest = await copyPart();
    expect(latest.CopySourceVersionId).toBe(second.VersionId);
    await complete(key, uploadId, [
      { PartNumber: 1, ETag: pinned.CopyPartResult!.ETag },
      { PartNumber: 2, ETag: latest.CopyPartResult!.ETag },
    ]);
    expect((await readAll(key)).equals(Buffer.concat([older, Buffer.from('newer')]))).toBe(true);
  });
});

describe('multipart refusals', () => {
  it('InvalidPart: an ETag that is not the part’s, or a part never uploaded', async () => {
    const key = 'refusals/invalid-part';
    const uploadId = await createUpload(key);
    const part = await uploadPart(key, uploadId, 1, randomBytes(KiB));
    await expect(
      complete(key, uploadId, [{ PartNumber: 1, ETag: `"${'0'.repeat(32)}"` }]),
    ).rejects.toMatchObject({ name: 'InvalidPart', $metadata: { httpStatusCode: 400 } });
    await expect(
      complete(key, uploadId, [part, { PartNumber: 2, ETag: part.ETag }]),
    ).rejects.toMatchObject({
      name: 'InvalidPart',
    });
    // The upload survives a refused completion and completes when asked right.
    await complete(key, uploadId, [part]);
    expect((await readAll(key)).length).toBe(KiB);
  });

  it('InvalidPartOrder: parts not in ascending order', async () => {
    const key = 'refusals/order';
    const uploadId = await createUpload(key);
    const one = await uploadPart(key, uploadId, 1, randomBytes(64 * KiB));
    const two = await uploadPart(key, uploadId, 2, randomBytes(KiB));
    await expect(complete(key, uploadId, [two, one])).rejects.toMatchObject({
      name: 'InvalidPartOrder',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(complete(key, uploadId, [one, one])).rejects.toMatchObject({
      name: 'InvalidPartOrder',
    });
  });

  it('EntityTooSmall: a part but the last under the minimum part size (64 KiB here)', async () => {
    const key = 'refusals/small';
    const uploadId = await createUpload(key);
    const small = await uploadPart(key, uploadId, 1, randomBytes(64 * KiB - 1));
    const last = await uploadPart(key, uploadId, 2, randomBytes(KiB));
    await expect(complete(key, uploadId, [small, last])).rejects.toMatchObject({
      name: 'EntityTooSmall',
      $metadata: { httpStatusCode: 400 },
    });
    // Exactly the minimum is enough.
    const exact = await uploadPart(key, uploadId, 1, randomBytes(64 * KiB));
    await complete(key, uploadId, [exact, last]);
    expect((await readAll(key)).length).toBe(65 * KiB);
  });

  it('MalformedXML: a completion naming no part', async () => {
    const key = 'refusals/empty';
    const uploadId = await createUpload(key);
    const response = await sendSigned(cluster.endpoint, {
      method: 'POST',
      bucket,
      key,
      query: { uploadId },
      body: '<CompleteMultipartUpload></CompleteMultipartUpload>',
    });
    expectS3Error(response, 400, 'MalformedXML');
  });

  it('NoSuchUpload: every operation on an aborted upload', async () => {
    const key = 'refusals/aborted';
    const uploadId = await createUpload(key);
    const part = await uploadPart(key, uploadId, 1, randomBytes(KiB));
    const aborted = await cluster.s3.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    const noSuchUpload = { name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } };
    await expect(
      cluster.s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId })),
    ).rejects.toMatchObject(noSuchUpload);
    await expect(uploadPart(key, uploadId, 2, randomBytes(KiB))).rejects.toMatchObject(
      noSuchUpload,
    );
    await expect(complete(key, uploadId, [part])).rejects.toMatchObject(noSuchUpload);
    await expect(
      cluster.s3.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
      ),
    ).rejects.toMatchObject(noSuchUpload);
    await expect(
      cluster.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('BadDigest: a part whose Content-MD5 is not its own is not stored', async () => {
    const key = 'refusals/digest';
    const uploadId = await createUpload(key);
    await expect(
      cluster.s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: 1,
          Body: 'the part',
          ContentMD5: createHash('md5').update('another part').digest('base64'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    const listed = await cluster.s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
    expect(listed.Parts ?? []).toEqual([]);
  });

  it('an upload id belongs to its key: another key answers NoSuchUpload', async () => {
    const uploadId = await createUpload('refusals/mine');
    await expect(
      uploadPart('refusals/not-mine', uploadId, 1, randomBytes(KiB)),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('InvalidArgument: a part number outside 1..10000', async () => {
    const key = 'refusals/part-number';
    const uploadId = await createUpload(key);
    for (const partNumber of ['0', '10001', 'one']) {
      const response = await sendSigned(cluster.endpoint, {
        method: 'PUT',
        bucket,
        key,
        query: { partNumber, uploadId },
        body: 'x',
      });
      expectS3Error(response, 400, 'InvalidArgument');
    }
  });
});
