import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  decodeContinuationToken,
  encodeContinuationToken,
  listObjectsPage,
  listPartsPage,
  listUploadsPage,
  listVersionsPage,
  parseListObjectsV1Query,
  parseListObjectsV2Query,
  parseListPartsQuery,
  parseListUploadsQuery,
  parseListVersionsQuery,
  prefixSuccessor,
} from '../../src/domain/s3/index.ts';
import { catchS3Error } from './catch-s3-error.ts';
import { memoryScan, objectEntry, sortKeys } from './memory-scan.ts';

const request = (fields: Partial<Parameters<typeof listObjectsPage>[0]> = {}) => ({
  prefix: '',
  delimiter: '',
  maxKeys: 1000,
  after: undefined,
  ...fields,
});

describe('key order', () => {
  it('is code point (UTF-8 byte) order, not UTF-16 order', () => {
    // U+FF5E is one UTF-16 unit above the surrogates of U+1F600, but below it as a code point.
    expect('\uff5e' > '😀').toBe(true);
    expect(compareKeys('\uff5e', '😀')).toBeLessThan(0);
    expect(Buffer.compare(Buffer.from('\uff5e'), Buffer.from('😀'))).toBeLessThan(0);
    expect(compareKeys('a', 'ab')).toBeLessThan(0);
    expect(compareKeys('b', 'ab')).toBeGreaterThan(0);
    expect(compareKeys('same', 'same')).toBe(0);
  });

  it('finds the first key after every key under a prefix', () => {
    expect(prefixSuccessor('photos/')).toBe('photos0');
    expect(prefixSuccessor('a\ud7ff')).toBe('a\ue000');
    expect(prefixSuccessor('a\u{10ffff}')).toBe('b');
    expect(prefixSuccessor('')).toBeUndefined();
    expect(compareKeys(prefixSuccessor('p😀')!, 'p😀\u{10ffff}\u{10ffff}')).toBeGreaterThan(0);
  });
});

describe('listObjectsPage', () => {
  const keys = sortKeys([
    'a.txt',
    'photos/2025/jan.jpg',
    'photos/2025/feb.jpg',
    'photos/2026/mar.jpg',
    'photos/index.html',
    'videos/a.mp4',
    'z.txt',
  ]);
  const entries = keys.map((key) => objectEntry(key));

  it('rolls keys up into common prefixes at the delimiter, each listed once', async () => {
    const page = await listObjectsPage(request({ delimiter: '/' }), memoryScan(entries).scan);
    expect(page.contents.map((entry) => entry.key)).toEqual(['a.txt', 'z.txt']);
    expect(page.commonPrefixes).toEqual(['photos/', 'videos/']);
    expect(page).toMatchObject({ isTruncated: false, next: undefined });
  });

  it('applies the prefix before the delimiter', async () => {
    const page = await listObjectsPage(
      request({ prefix: 'photos/', delimiter: '/' }),
      memoryScan(entries).scan,
    );
    expect(page.contents.map((entry) => entry.key)).toEqual(['photos/index.html']);
    expect(page.commonPrefixes).toEqual(['photos/2025/', 'photos/2026/']);
  });

  it('counts common prefixes toward max-keys and resumes after the last one', async () => {
    const first = await listObjectsPage(
      request({ delimiter: '/', maxKeys: 2 }),
      memoryScan(entries).scan,
    );
    expect(first.contents.map((entry) => entry.key)).toEqual(['a.txt']);
    expect(first.commonPrefixes).toEqual(['photos/']);
    expect(first).toMatchObject({ isTruncated: true, next: 'photos/' });
    const second = await listObjectsPage(
      request({ delimiter: '/', maxKeys: 2, after: first.next }),
      memoryScan(entries).scan,
    );
    expect(second.commonPrefixes).toEqual(['videos/']);
    expect(second.contents.map((entry) => entry.key)).toEqual(['z.txt']);
    expect(second.isTruncated).toBe(false);
  });

  it('is not truncated when the page ends exactly at the last item', async () => {
    const page = await listObjectsPage(
      request({ delimiter: '/', maxKeys: 4 }),
      memoryScan(entries).scan,
    );
    expect(page.contents.length + page.commonPrefixes.length).toBe(4);
    expect(page.isTruncated).toBe(false);
  });

  it('does not list a common prefix that sorts before start-after, as S3 does not', async () => {
    const page = await listObjectsPage(
      request({ delimiter: '/', after: 'photos/2025/jan.jpg' }),
      memoryScan(entries).scan,
    );
    expect(page.commonPrefixes).toEqual(['videos/']);
    expect(page.contents.map((entry) => entry.key)).toEqual(['z.txt']);
  });

  it('lists nothing, untruncated, for max-keys=0', async () => {
    const { scan, starts } = memoryScan(entries);
    expect(await listObjectsPage(request({ maxKeys: 0 }), scan)).toEqual({
      contents: [],
      commonPrefixes: [],
      isTruncated: false,
      next: undefined,
    });
    expect(starts).toEqual([]);
  });

  it('seeks past a common prefix of 100 000 keys instead of reading them', async () => {
    const big = sortKeys([
      'a',
      ...Array.from({ length: 100_000 }, (_, i) => `big/${String(i).padStart(6, '0')}`),
      'small/1',
      'z',
    ]).map((key) => objectEntry(key));
    const memory = memoryScan(big);
    const page = await listObjectsPage(request({ delimiter: '/' }), memory.scan);
    expect(page.commonPrefixes).toEqual(['big/', 'small/']);
    expect(page.contents.map((entry) => entry.key)).toEqual(['a', 'z']);
    expect(memory.starts).toEqual([
      { key: '', inclusive: true },
      { key: 'big0', inclusive: true },
    ]);
    expect(memory.reads()).toBeLessThan(25);
  });

  it('stops reading at the first key past the prefix', async () => {
    const memory = memoryScan(entries);
    await listObjectsPage(request({ prefix: 'photos/2025/' }), memory.scan);
    expect(memory.starts).toEqual([{ key: 'photos/2025/', inclusive: true }]);
    expect(memory.reads()).toBe(3);
  });
});

describe('continuation tokens', () => {
  it('round-trip any position and are URL-safe', () => {
    for (const position of ['photos/', 'a b+c/é😀', 'x'.repeat(1024)]) {
      const token = encodeContinuationToken(position);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeContinuationToken(token)).toBe(position);
    }
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['base64 of a plain key', Buffer.from('photos/').toString('base64url')],
    ['edited', `${encodeContinuationToken('photos/')}x`],
    ['not UTF-8', Buffer.from([0x6b, 0x31, 0x3a, 0xff]).toString('base64url')],
    ['too long', encodeContinuationToken('x'.repeat(1025))],
  ])('refuses a token that is %s with InvalidArgument', (_case, token) => {
    expect(catchS3Error(() => decodeContinuationToken(token))).toMatchObject({
      code: 'InvalidArgument',
      fields: { ArgumentName: 'continuation-token', ArgumentValue: token },
    });
  });
});

describe('list queries', () => {
  it('default to everything, 1000 keys, no delimiter', () => {
    expect(parseListObjectsV2Query({ 'list-type': '2' })).toEqual({
      prefix: '',
      delimiter: '',
      encodingType: undefined,
      maxKeys: 1000,
      startAfter: undefined,
      continuationToken: undefined,
      fetchOwner: false,
      after: undefined,
    });
  });

  it('resume from the continuation token, which wins over start-after', () => {
    const token = encodeContinuationToken('m');
    const query = parseListObjectsV2Query({
      'continuation-token': token,
      'start-after': 'b',
      'max-keys': '5',
    });
    expect(query).toMatchObject({
      after: 'm',
      startAfter: 'b',
      continuationToken: token,
      maxKeys: 5,
    });
    expect(parseListObjectsV2Query({ 'start-after': 'b' }).after).toBe('b');
    expect(parseListObjectsV1Query({ marker: 'k', delimiter: '/' })).toMatchObject({
      after: 'k',
      marker: 'k',
      delimiter: '/',
    });
  });

  it('cap max-keys at 1000, allow 0, and refuse what is not a non-negative integer', () => {
    expect(parseListObjectsV1Query({ 'max-keys': '5000' }).maxKeys).toBe(1000);
    expect(parseListObjectsV1Query({ 'max-keys': '0' }).maxKeys).toBe(0);
    for (const value of ['-1', 'ten', '1.5', '', '99999999999']) {
      expect(catchS3Error(() => parseListObjectsV1Query({ 'max-keys': value }))).toMatchObject({
        code: 'InvalidArgument',
        fields: { ArgumentName: 'max-keys', ArgumentValue: value },
      });
    }
  });

  it('accept only encoding-type=url and take the first of repeated parameters', () => {
    expect(parseListObjectsV2Query({ 'encoding-type': 'url' }).encodingType).toBe('url');
    expect(catchS3Error(() => parseListObjectsV2Query({ 'encoding-type': 'base64' })).code).toBe(
      'InvalidArgument',
    );
    expect(parseListObjectsV2Query({ prefix: ['a/', 'b/'] }).prefix).toBe('a/');
  });

  it('refuse a version-id marker without a key marker, and ignore an upload-id marker without one', () => {
    expect(catchS3Error(() => parseListVersionsQuery({ 'version-id-marker': 'v' })).code).toBe(
      'InvalidArgument',
    );
    expect(parseListVersionsQuery({ 'key-marker': 'k', 'version-id-marker': 'v' })).toMatchObject({
      keyMarker: 'k',
      versionIdMarker: 'v',
    });
    expect(parseListUploadsQuery({ 'upload-id-marker': 'u' }).uploadIdMarker).toBeUndefined();
    expect(
      parseListUploadsQuery({ 'key-marker': 'k', 'upload-id-marker': 'u', 'max-uploads': '3' }),
    ).toMatchObject({
      keyMarker: 'k',
      uploadIdMarker: 'u',
      maxUploads: 3,
    });
    expect(parseListPartsQuery({ 'part-number-marker': '7', 'max-parts': '2' })).toEqual({
      partNumberMarker: 7,
      maxParts: 2,
    });
  });
});

describe('listVersionsPage', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const versions = [
    {
      kind: 'deleteMarker' as const,
      key: 'a',
      versionId: 'a3',
      isLatest: true,
      lastModified: at(3),
    },
    {
      ...objectEntry('a'),
      kind: 'version' as const,
      versionId: 'a2',
      isLatest: false,
      lastModified: at(2),
    },
    {
      ...objectEntry('a'),
      kind: 'version' as const,
      versionId: 'a1',
      isLatest: false,
      lastModified: at(1),
    },
    { ...objectEntry('b'), kind: 'version' as const, versionId: 'b1', isLatest: true },
    { ...objectEntry('c/x'), kind: 'version' as const, versionId: 'c1', isLatest: true },
  ];

  it('interleaves delete markers and versions, and resumes inside a key at the version marker', async () => {
    const query = {
      prefix: '',
      delimiter: '/',
      maxKeys: 2,
      keyMarker: undefined,
      versionIdMarker: undefined,
    };
    const first = await listVersionsPage(query, memoryScan(versions).scan);
    expect(first.versions.map((entry) => entry.versionId)).toEqual(['a3', 'a2']);
    expect(first).toMatchObject({
      isTruncated: true,
      nextKeyMarker: 'a',
      nextVersionIdMarker: 'a2',
    });

    const second = await listVersionsPage(
      { ...query, keyMarker: first.nextKeyMarker, versionIdMarker: first.nextVersionIdMarker },
      memoryScan(versions).scan,
    );
    expect(second.versions.map((entry) => entry.versionId)).toEqual(['a1', 'b1']);
    expect(second).toMatchObject({
      isTruncated: true,
      nextKeyMarker: 'b',
      nextVersionIdMarker: 'b1',
    });

    const third = await listVersionsPage(
      { ...query, keyMarker: second.nextKeyMarker, versionIdMarker: second.nextVersionIdMarker },
      memoryScan(versions).scan,
    );
    expect(third.versions).toEqual([]);
    expect(third.commonPrefixes).toEqual(['c/']);
    expect(third).toMatchObject({
      isTruncated: false,
      nextKeyMarker: undefined,
      nextVersionIdMarker: undefined,
    });
  });

  it('resumes after the whole key for a key marker alone', async () => {
    const page = await listVersionsPage(
      { prefix: '', delimiter: '', maxKeys: 10, keyMarker: 'a', versionIdMarker: undefined },
      memoryScan(versions).scan,
    );
    expect(page.versions.map((entry) => entry.versionId)).toEqual(['b1', 'c1']);
  });
});

describe('listUploadsPage', () => {
  const uploads = [
    { key: 'k', uploadId: '01' },
    { key: 'k', uploadId: '02' },
    { key: 'k', uploadId: '03' },
    { key: 'l', uploadId: '04' },
  ];

  it('lists uploads of the marker key only after the upload-id marker', async () => {
    const page = await listUploadsPage(
      { prefix: '', delimiter: '', maxUploads: 2, keyMarker: 'k', uploadIdMarker: '01' },
      memoryScan(uploads).scan,
    );
    expect(page.uploads.map((upload) => upload.uploadId)).toEqual(['02', '03']);
    expect(page).toMatchObject({ isTruncated: true, nextKeyMarker: 'k', nextUploadIdMarker: '03' });
  });
});

describe('listPartsPage', () => {
  const parts = [1, 2, 3, 5, 8].map((partNumber) => ({ partNumber }));

  it('pages parts after the marker, with the last part number as the next marker', () => {
    expect(listPartsPage({ partNumberMarker: 0, maxParts: 2 }, parts)).toEqual({
      parts: [{ partNumber: 1 }, { partNumber: 2 }],
      isTruncated: true,
      nextPartNumberMarker: 2,
    });
    expect(listPartsPage({ partNumberMarker: 3, maxParts: 2 }, parts)).toEqual({
      parts: [{ partNumber: 5 }, { partNumber: 8 }],
      isTruncated: false,
      nextPartNumberMarker: 8,
    });
    expect(listPartsPage({ partNumberMarker: 8, maxParts: 2 }, parts)).toEqual({
      parts: [],
      isTruncated: false,
      nextPartNumberMarker: undefined,
    });
  });
});

describe('scan failures', () => {
  it('reach the caller unchanged', async () => {
    const failing = async function* () {
      await Promise.resolve();
      yield objectEntry('a');
      throw new Error('storage node down');
    };
    await expect(listObjectsPage(request(), failing)).rejects.toThrow('storage node down');
  });
});
