import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assertCopyChangesSomething,
  extractUserMetadata,
  MAX_USER_METADATA_BYTES,
  MIN_PART_SIZE,
  multipartEtag,
  parseCopySource,
  parseMetadataDirective,
  parsePartNumber,
  selectCompletedParts,
  validatePartSize,
} from '../../src/domain/s3/index.ts';
import { catchS3Error } from './catch-s3-error.ts';

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest();

describe('multipart ETag', () => {
  it('is the MD5 of the binary part MD5s, a dash and the part count', () => {
    const parts = ['part one', 'part two', 'three'].map((text) => md5(text));
    const expected = `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-3`;
    expect(multipartEtag(parts.map((digest) => `"${digest.toString('hex')}"`))).toBe(expected);
    expect(multipartEtag(parts.map((digest) => digest.toString('hex')))).toBe(expected);
  });

  it('differs from the MD5 of the whole body even for a single part', () => {
    const etag = multipartEtag([md5('body').toString('hex')]);
    expect(etag).toMatch(/^[0-9a-f]{32}-1$/);
    expect(etag.slice(0, 32)).not.toBe(md5('body').toString('hex'));
  });
});

describe('part rules', () => {
  it('take part numbers 1..10000 only', () => {
    expect(parsePartNumber('1')).toBe(1);
    expect(parsePartNumber('10000')).toBe(10000);
    for (const bad of ['0', '10001', '-1', '1.5', 'x', undefined]) {
      expect(catchS3Error(() => parsePartNumber(bad)).code).toBe('InvalidArgument');
    }
  });

  it('refuse parts over 5 GiB', () => {
    expect(() => validatePartSize(5 * 1024 ** 3)).not.toThrow();
    expect(catchS3Error(() => validatePartSize(5 * 1024 ** 3 + 1)).code).toBe('EntityTooLarge');
  });

  const uploaded = new Map(
    [
      { partNumber: 1, etag: 'e1', size: MIN_PART_SIZE },
      { partNumber: 2, etag: 'e2', size: 10 },
      { partNumber: 3, etag: 'e3', size: 10 },
    ].map((part) => [part.partNumber, part]),
  );

  it('select the named parts in order, leaving unnamed uploads out', () => {
    const parts = selectCompletedParts(
      [
        { partNumber: 1, etag: '"e1"' },
        { partNumber: 3, etag: 'e3' },
      ],
      uploaded,
    );
    expect(parts.map((part) => part.partNumber)).toEqual([1, 3]);
  });

  it('answer InvalidPart for a missing part or another ETag', () => {
    expect(
      catchS3Error(() => selectCompletedParts([{ partNumber: 4, etag: 'e4' }], uploaded)),
    ).toMatchObject({
      code: 'InvalidPart',
      fields: { PartNumber: '4', ETag: 'e4' },
    });
    expect(
      catchS3Error(() => selectCompletedParts([{ partNumber: 1, etag: 'other' }], uploaded)).code,
    ).toBe('InvalidPart');
  });

  it('answer EntityTooSmall for a small part that is not the last, with a configurable minimum', () => {
    const small = [
      { partNumber: 2, etag: 'e2' },
      { partNumber: 3, etag: 'e3' },
    ];
    expect(catchS3Error(() => selectCompletedParts(small, uploaded))).toMatchObject({
      code: 'EntityTooSmall',
      fields: { ProposedSize: '10', MinSizeAllowed: String(MIN_PART_SIZE), PartNumber: '2' },
    });
    expect(selectCompletedParts(small, uploaded, { minPartSize: 10 })).toHaveLength(2);
  });
});

describe('x-amz-copy-source', () => {
  it.each([
    ['bucket/key.txt', { bucket: 'bucket', key: 'key.txt', versionId: undefined }],
    ['/bucket/dir/a%20b%3F.txt', { bucket: 'bucket', key: 'dir/a b?.txt', versionId: undefined }],
    ['/bucket/k%C3%A9y?versionId=v%2B1', { bucket: 'bucket', key: 'kéy', versionId: 'v+1' }],
    ['bucket//leading-slash', { bucket: 'bucket', key: '/leading-slash', versionId: undefined }],
  ])('reads %s', (header, source) => {
    expect(parseCopySource(header)).toEqual(source);
  });

  it.each([
    undefined,
    '',
    'bucket',
    '/bucket/',
    '/bucket/%E0%A4%A',
    'bucket/key?versionId=',
    'bucket/key?other=1',
  ])('refuses %s with InvalidArgument', (header) => {
    expect(catchS3Error(() => parseCopySource(header)).code).toBe('InvalidArgument');
  });
});

describe('x-amz-metadata-directive', () => {
  it('is COPY by default, REPLACE on request, and nothing else', () => {
    expect(parseMetadataDirective(undefined)).toBe('COPY');
    expect(parseMetadataDirective('REPLACE')).toBe('REPLACE');
    expect(catchS3Error(() => parseMetadataDirective('MERGE')).code).toBe('InvalidArgument');
  });

  it('refuses copying an object onto itself without a change', () => {
    const copy = {
      sourceBucket: 'b',
      sourceKey: 'k',
      sourceVersionId: undefined,
      bucket: 'b',
      key: 'k',
      directive: 'COPY' as const,
    };
    expect(catchS3Error(() => assertCopyChangesSomething(copy)).code).toBe('InvalidRequest');
    expect(() => assertCopyChangesSomething({ ...copy, directive: 'REPLACE' })).not.toThrow();
    expect(() => assertCopyChangesSomething({ ...copy, sourceVersionId: 'v1' })).not.toThrow();
    expect(() => assertCopyChangesSomething({ ...copy, key: 'other' })).not.toThrow();
  });
});

describe('user metadata', () => {
  it('collects x-amz-meta-* headers without their prefix', () => {
    expect(
      extractUserMetadata({
        'x-amz-meta-color': 'blue',
        'X-Amz-Meta-Owner': 'ana',
        'x-amz-meta-tags': ['a', 'b'],
        'content-type': 'text/plain',
        'x-amz-date': '20260101T000000Z',
      }),
    ).toEqual({ color: 'blue', owner: 'ana', tags: 'a,b' });
  });

  it(`allows ${MAX_USER_METADATA_BYTES} bytes of names and values, and no more`, () => {
    const value = (bytes: number) => 'v'.repeat(bytes - 'name'.length);
    expect(() =>
      extractUserMetadata({ 'x-amz-meta-name': value(MAX_USER_METADATA_BYTES) }),
    ).not.toThrow();
    expect(
      catchS3Error(() =>
        extractUserMetadata({ 'x-amz-meta-name': value(MAX_USER_METADATA_BYTES + 1) }),
      ).fields,
    ).toEqual({
      Size: String(MAX_USER_METADATA_BYTES + 1),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  });
});
