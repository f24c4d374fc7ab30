import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { ListObjectsCommandInput, ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../support/for-each-concurrently.ts';
import { newBucketName } from '../support/new-bucket-name.ts';
import { expectS3Error } from '../support/s3-error-body.ts';
import { sendSigned } from '../support/signed-request.ts';
import { ACCESS_KEY, startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

/** S3 lists keys in UTF-8 byte order, which JavaScript's `<` on UTF-16 is not. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Keys whose encoding matters: spaces, `+`, non-ASCII, XML's special characters. */
const AWKWARD_KEYS = [
  'spaces/a file with spaces.txt',
  'spaces/more spaces/x y z.txt',
  'plus/a+b.txt',
  'plus/c++/main.cc',
  'mixed/über cool+fast & <tagged>.txt',
  'unicode/ünïcödé.txt',
  'unicode/日本語/ファイル.txt',
  'unicode/😀 smile.txt',
  'symbols/100%/\'quoted".txt',
  'symbols/a=b?c#d.txt',
  'symbols/tilde~star*.txt',
  // Paths a router or URL library might normalise: every one is a distinct, literal key.
  'paths/folder-marker/',
  'paths/double//slash.txt',
  'paths/dots/../up.txt',
  'paths/dots/./here.txt',
  '/leading-slash.txt',
];

/**
 * 1,216 keys: a deep tree (photos/year/month), a wide one (docs/team), a flat run (logs), keys
 * at the root, and neighbours of a prefix in byte order (`photos.txt` sorts just before
 * `photos/`, `photos0` just after everything under it).
 */
const KEYS = [
  ...range(2).flatMap((y) =>
    range(6).flatMap((m) =>
      range(50).map((n) => `photos/${2023 + y}/${pad(m + 1, 2)}/img-${pad(n, 3)}.jpg`),
    ),
  ),
  ...range(10).flatMap((t) => range(40).map((n) => `docs/team-${t}/report-${pad(n, 2)}.txt`)),
  ...range(170).map((n) => `logs/day-${pad(n, 3)}.log`),
  ...range(28).map((n) => `root-${pad(n, 2)}.txt`),
  'photos.txt',
  'photos0',
  ...AWKWARD_KEYS,
].sort(byteOrder);

/** One entry of a listing: a key, or a common prefix (tagged, so the two never collide). */
type Entry = `key:${string}` | `prefix:${string}`;
const valueOf = (entry: Entry) => entry.slice(entry.indexOf(':') + 1);
const entryOrder = (a: Entry, b: Entry) => byteOrder(valueOf(a), valueOf(b));

/** What S3 must list for these parameters, from the model of the bucket above. */
function expectedEntries(prefix = '', delimiter?: string, after = ''): Entry[] {
  const entries: Entry[] = [];
  for (const key of KEYS) {
    if (!key.startsWith(prefix) || byteOrder(key, after) <= 0) continue;
    const cut = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut === -1) {
      entries.push(`key:${key}`);
      continue;
    }
    const common: Entry = `prefix:${key.slice(0, cut + delimiter!.length)}`;
    // A common prefix at or before the marker was listed already (or is skipped by it).
    if (entries.at(-1) !== common && byteOrder(valueOf(common), after) > 0) entries.push(common);
  }
  return entries;
}

let cluster: StoreCluster;
let bucket: string;

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = newBucketName('listing');
  await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // The awkward keys hold their own name (sizes and ETags are checked); the bulk is empty,
  // which is a whole PUT through gateway and metadata without the storage nodes' traffic.
  await forEachConcurrently(KEYS, 16, (key) =>
    cluster.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: AWKWARD_KEYS.includes(key) ? key : '',
      }),
    ),
  );
});

afterAll(async () => {
  await cluster?.close();
});

type V2Input = Omit<ListObjectsV2CommandInput, 'Bucket' | 'ContinuationToken'>;

/** Every page of a ListObjectsV2, checking each page's own promises on the way. */
async function walkV2(input: V2Input): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await cluster.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ...input, ContinuationToken: token }),
    );
    pages++;
    const onPage = [
      ...(page.Contents ?? []).map((object): Entry => `key:${object.Key!}`),
      ...(page.CommonPrefixes ?? []).map((common): Entry => `prefix:${common.Prefix!}`),
    ].sort(entryOrder);
    expect(page.KeyCount).toBe(onPage.length);
    expect(page.MaxKeys).toBe(input.MaxKeys ?? 1000);
    expect(onPage.length).toBeLessThanOrEqual(page.MaxKeys!);
    expect(page.IsTruncated).toBe(page.NextContinuationToken !== undefined);
    if (page.IsTruncated === true) expect(onPage.length).toBe(page.MaxKeys);
    expect(page.ContinuationToken).toBe(token);
    entries.push(...onPage);
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return { entries, pages };
}

type V1Input = Omit<ListObjectsCommandInput, 'Bucket' | 'Marker'>;

/**
 * Every page of a ListObjects (v1), continuing the way s3cmd and rclone do: from NextMarker
 * when the answer has one (only with a delimiter), else from the last key of the page.
 */
async function walkV1(input: V1Input): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let marker: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await cluster.s3.send(
      new ListObjectsCommand({ Bucket: bucket, ...input, Marker: marker }),
    );
    pages++;
    const onPage = [
      ...(page.Contents ?? []).map((object): Entry => `key:${object.Key!}`),
      ...(page.CommonPrefixes ?? []).map((common): Entry => `prefix:${common.Prefix!}`),
    ].sort(entryOrder);
    expect(page.Marker ?? '').toBe(marker ?? '');
    entries.push(...onPage);
    if (page.IsTruncated !== true) {
      expect(page.NextMarker).toBeUndefined();
      return { entries, pages };
    }
    if (input.Delimiter === undefined) expect(page.NextMarker).toBeUndefined();
    else expect(page.NextMarker).toBe(valueOf(onPage.at(-1)!));
    marker = page.NextMarker ?? page.Contents!.at(-1)!.Key!;
  }
}

describe(`ListObjectsV2 over ${KEYS.length} keys`, () => {
  it('lists every key once, in byte order, in pages of 1000 (the default) and of 137', async () => {
    expect(KEYS.length).toBeGreaterThan(1200);
    const whole = await walkV2({});
    expect(whole.pages).toBe(2);
    expect(whole.entries).toEqual(KEYS.map((key): Entry => `key:${key}`));
    const small = await walkV2({ MaxKeys: 137 });
    expect(small.pages).toBe(Math.ceil(KEYS.length / 137));
    expect(small.entries).toEqual(whole.entries);
  });

  it('describes each object: size, ETag (MD5 of the body) and last-modified time', async () => {
    const page = await cluster.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'unicode/' }),
    );
    expect(page.Contents?.map((object) => object.Key)).toEqual(
      KEYS.filter((key) => key.startsWith('unicode/')),
    );
    for (const object of page.Contents!) {
      expect(object.Size).toBe(Buffer.byteLength(object.Key!));
      expect(object.ETag).toBe(`"${createHash('md5').update(object.Key!).digest('hex')}"`);
      expect(object.LastModified).toBeInstanceOf(Date);
      expect(object.StorageClass).toBe('STANDARD');
    }
  });

  it('names owners only with FetchOwner (v2); v1 always does', async () => {
    const list = (FetchOwner?: boolean) =>
      cluster.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'root-0', FetchOwner }));
    expect((await list()).Contents?.every((object) => object.Owner === undefined)).toBe(true);
    const owned = await list(true);
    expect(owned.Contents?.[0]?.Owner).toEqual({ ID: ACCESS_KEY, DisplayName: ACCESS_KEY });
    const v1 = await cluster.s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'root-0' }));
    expect(v1.Contents?.[0]?.Owner?.ID).toBe(ACCESS_KEY);
  });

  it('groups keys into common prefixes by a delimiter, across pages', async () => {
    const root = await walkV2({ Delimiter: '/' });
    expect(root.pages).toBe(1);
    expect(root.entries).toEqual(expectedEntries('', '/'));
    expect(root.entries).toContain('prefix:photos/');
    expect(root.entries).toContain('key:photos0');
    // Three entries a page: common prefixes and keys share the budget of MaxKeys.
    const paged = await walkV2({ Delimiter: '/', MaxKeys: 3 });
    expect(paged.entries).toEqual(root.entries);
    expect(paged.pages).toBe(Math.ceil(root.entries.length / 3));
  });

  it.each([
    ['photos/', '/'],
    ['photos/2024/', '/'],
    ['photos/2024/03/', '/'],
    ['photos', '/'],
    ['docs/team-', '/'],
    ['docs/team-1', undefined],
    ['logs/day-1', undefined],
    ['unicode/', '/'],
    ['', '-'],
    ['photos/2023/', '.jpg'],
    ['no-such-prefix/', '/'],
  ])('lists prefix %j with delimiter %j', async (prefix, delimiter) => {
    const expected = expectedEntries(prefix, delimiter);
    const whole = await walkV2({ Prefix: prefix, Delimiter: delimiter });
    expect(whole.entries).toEqual(expected);
    const paged = await walkV2({ Prefix: prefix, Delimiter: delimiter, MaxKeys: 7 });
    expect(paged.entries).toEqual(expected);
  });

  it('starts after a key, whether or not that key exists', async () => {
    for (const after of ['docs/team-3/report-17.txt', 'logs/day-100.5', 'photos/', 'a', 'zzz']) {
      const page = await cluster.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, StartAfter: after, MaxKeys: 5 }),
      );
      expect(page.StartAfter).toBe(after);
      expect(page.Contents?.map((object) => `key:${object.Key}`) ?? []).toEqual(
        expectedEntries('', undefined, after).slice(0, 5),
      );
    }
  });

  it('walks from StartAfter with a prefix and a delimiter, the token then taking over', async () => {
    const input = { Prefix: 'photos/', Delimiter: '/', StartAfter: 'photos/2023/04' };
    const { entries } = await walkV2({ ...input, MaxKeys: 1 });
    expect(entries).toEqual(expectedEntries(input.Prefix, input.Delimiter, input.StartAfter));
    expect(entries).toEqual(['prefix:photos/2024/']);
    const deep = await walkV2({ Prefix: 'photos/2023/', StartAfter: 'photos/2023/06/img-047.jpg' });
    expect(deep.entries.map(valueOf)).toEqual([
      'photos/2023/06/img-048.jpg',
      'photos/2023/06/img-049.jpg',
    ]);
  });

  it('answers an empty page to MaxKeys 0', async () => {
    const page = await cluster.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
    expect(page.KeyCount).toBe(0);
    expect(page.Contents).toBeUndefined();
  });

  it('refuses a continuation token it did not issue with 400 InvalidArgument', async () => {
    const response = await sendSigned(cluster.endpoint, {
      method: 'GET',
      bucket,
      query: { 'list-type': '2', 'continuation-token': 'not-a-token-of-ours' },
    });
    expectS3Error(response, 400, 'InvalidArgument');
  });
});

describe("EncodingType 'url'", () => {
  /** What botocore does with an encoded name: `unquote_plus`. */
  const unquotePlus = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));

  it('encodes keys with spaces, `+`, non-ASCII and XML characters, and they decode back', async () => {
    const { entries } = await walkV2({ EncodingType: 'url', MaxKeys: 4 });
    expect(entries.map((entry) => unquotePlus(valueOf(entry)))).toEqual(KEYS);
    const encoded = new Set(entries.map(valueOf));
    expect(encoded).toContain('spaces/a+file+with+spaces.txt');
    expect(encoded).toContain('plus/a%2Bb.txt');
    expect(encoded).toContain('unicode/%C3%BCn%C3%AFc%C3%B6d%C3%A9.txt');
  });

  it('encodes common prefixes, the prefix and the delimiter of the answer too', async () => {
    const page = await cluster.s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: 'spaces/',
        Delimiter: ' ',
        EncodingType: 'url',
      }),
    );
    expect(page.EncodingType).toBe('url');
    expect(page.Delimiter).toBe('+');
    expect(page.CommonPrefixes?.map((common) => common.Prefix)).toEqual([
      'spaces/a+',
      'spaces/more+',
    ]);
    const unicode = await cluster.s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: 'unicode/日本語/',
        EncodingType: 'url',
      }),
    );
    expect(unicode.Prefix).toBe('unicode/%E6%97%A5%E6%9C%AC%E8%AA%9E/');
    expect(unicode.Contents?.map((object) => unquotePlus(object.Key!))).toEqual([
      'unicode/日本語/ファイル.txt',
    ]);
  });

  it('without encoding, the XML still carries every key exactly (escaped, not encoded)', async () => {
    const { entries } = await walkV2({ Prefix: 'symbols/' });
    expect(entries.map(valueOf)).toEqual(KEYS.filter((key) => key.startsWith('symbols/')));
    const mixed = await walkV2({ Prefix: 'mixed/' });
    expect(mixed.entries).toEqual(['key:mixed/über cool+fast & <tagged>.txt']);
  });
});

describe('ListObjects (v1) with marker and next-marker', () => {
  it('walks every key from the last key of each page (no NextMarker without a delimiter)', async () => {
    const { entries, pages } = await walkV1({ MaxKeys: 250 });
    expect(pages).toBe(Math.ceil(KEYS.length / 250));
    expect(entries).toEqual(KEYS.map((key): Entry => `key:${key}`));
  });

  it('walks common prefixes with NextMarker, a marker past everything under a prefix', async () => {
    const root = await walkV1({ Delimiter: '/', MaxKeys: 2 });
    expect(root.entries).toEqual(expectedEntries('', '/'));
    const photos = await walkV1({ Prefix: 'photos/', Delimiter: '/', MaxKeys: 1 });
    expect(photos.entries).toEqual(['prefix:photos/2023/', 'prefix:photos/2024/']);
  });

  it('with EncodingType url, NextMarker is encoded too and decodes to where to go on', async () => {
    const unquotePlus = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
    const entries: Entry[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await cluster.s3.send(
        new ListObjectsCommand({
          Bucket: bucket,
          Delimiter: '/',
          MaxKeys: 1,
          EncodingType: 'url',
          Marker: marker,
        }),
      );
      entries.push(
        ...(page.Contents ?? []).map((object): Entry => `key:${unquotePlus(object.Key!)}`),
        ...(page.CommonPrefixes ?? []).map(
          (common): Entry => `prefix:${unquotePlus(common.Prefix!)}`,
        ),
      );
      if (page.IsTruncated !== true) break;
      marker = unquotePlus(page.NextMarker!);
    }
    expect(entries).toEqual(expectedEntries('', '/'));
  });

  it('starts at a marker that is not a key', async () => {
    const page = await cluster.s3.send(
      new ListObjectsCommand({ Bucket: bucket, Marker: 'logs/day-12', MaxKeys: 3 }),
    );
    expect(page.Contents?.map((object) => object.Key)).toEqual([
      'logs/day-120.log',
      'logs/day-121.log',
      'logs/day-122.log',
    ]);
    expect(page.IsTruncated).toBe(true);
  });
});
