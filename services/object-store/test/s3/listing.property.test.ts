import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareKeys,
  decodeContinuationToken,
  encodeContinuationToken,
  listObjectsPage,
  listUploadsPage,
  listVersionsPage,
} from '../../src/domain/s3/index.ts';
import { commonPrefixOf } from '../../src/domain/s3/listing/walk-page.ts';
import { memoryScan, objectEntry, sortKeys } from './memory-scan.ts';

// Few distinct characters make shared prefixes and delimiters common; the last three sort
// differently in UTF-16 and code point order, so the ordering is exercised too.
const keyChar = fc.constantFrom('a', 'b', '/', '.', 'é', '\uff5e', '😀');
const key = fc.array(keyChar, { minLength: 1, maxLength: 7 }).map((chars) => chars.join(''));
const keySet = fc.uniqueArray(key, { maxLength: 40 }).map(sortKeys);
const delimiter = fc.constantFrom('', '/', 'a', '//', '😀');
const prefix = fc.oneof(
  fc.constant(''),
  key.map((k) => k.slice(0, 2)),
);
const maxKeys = fc.integer({ min: 1, max: 6 });
const readsBeforeSeek = fc.constantFrom(0, 1, 16);

/** What a full listing must contain, computed the obvious way. */
function expectedItems(keys: readonly string[], prefix: string, delimiter: string): string[] {
  const items = new Set<string>();
  for (const k of keys) {
    if (k.startsWith(prefix)) items.add(commonPrefixOf(k, prefix, delimiter) ?? k);
  }
  return [...items].sort(compareKeys);
}

interface Walked {
  readonly items: string[];
  readonly pageSizes: number[];
  readonly truncated: boolean[];
}

async function walkV2(
  keys: readonly string[],
  prefix: string,
  delimiter: string,
  maxKeys: number,
  seek: number,
) {
  const entries = keys.map((k) => objectEntry(k));
  const walked: Walked = { items: [], pageSizes: [], truncated: [] };
  let token: string | undefined;
  do {
    const after = token === undefined ? undefined : decodeContinuationToken(token);
    const page = await listObjectsPage(
      { prefix, delimiter, maxKeys, after },
      memoryScan(entries).scan,
      {
        readsBeforeSeek: seek,
      },
    );
    walked.items.push(...page.contents.map((entry) => entry.key), ...page.commonPrefixes);
    walked.pageSizes.push(page.contents.length + page.commonPrefixes.length);
    walked.truncated.push(page.isTruncated);
    token = page.next === undefined ? undefined : encodeContinuationToken(page.next);
  } while (token !== undefined && walked.pageSizes.length <= keys.length + 1);
  return walked;
}

/** ListObjects v1 as s3cmd pages it: NextMarker with a delimiter, else the last key. */
async function walkV1(keys: readonly string[], prefix: string, delimiter: string, maxKeys: number) {
  const entries = keys.map((k) => objectEntry(k));
  const items: string[] = [];
  let marker: string | undefined;
  for (let pages = 0; pages <= keys.length + 1; pages++) {
    const page = await listObjectsPage(
      { prefix, delimiter, maxKeys, after: marker },
      memoryScan(entries).scan,
    );
    items.push(...page.contents.map((entry) => entry.key), ...page.commonPrefixes);
    if (!page.isTruncated) return items;
    marker = delimiter === '' ? page.contents.at(-1)?.key : page.next;
  }
  throw new Error('listing did not end');
}

describe('walking every page of a listing', () => {
  it('yields each expected key and common prefix exactly once, in order (ListObjectsV2)', async () => {
    await fc.assert(
      fc.asyncProperty(
        keySet,
        prefix,
        delimiter,
        maxKeys,
        readsBeforeSeek,
        async (keys, p, d, max, seek) => {
          const walked = await walkV2(keys, p, d, max, seek);
          // Items within a page are contents then prefixes, so compare as sorted lists; sorted
          // equality with no duplicates is exactly "no gaps, no repeats".
          expect([...walked.items].sort(compareKeys)).toEqual(expectedItems(keys, p, d));
          expect(new Set(walked.items).size).toBe(walked.items.length);
          expect(walked.pageSizes.every((size) => size <= max)).toBe(true);
          expect(walked.truncated.at(-1)).toBe(false);
          // Every page but the last is full and says so; no page promises more and delivers none.
          expect(walked.truncated.slice(0, -1).every(Boolean)).toBe(true);
          expect(walked.pageSizes.slice(0, -1).every((size) => size === max)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pages are consecutive: every item of a page sorts after every item of the page before', async () => {
    await fc.assert(
      fc.asyncProperty(keySet, prefix, delimiter, maxKeys, async (keys, p, d, max) => {
        const entries = keys.map((k) => objectEntry(k));
        let after: string | undefined;
        let previousLast: string | undefined;
        for (;;) {
          const page = await listObjectsPage(
            { prefix: p, delimiter: d, maxKeys: max, after },
            memoryScan(entries).scan,
          );
          const items = [...page.contents.map((entry) => entry.key), ...page.commonPrefixes].sort(
            compareKeys,
          );
          if (previousLast !== undefined && items.length > 0) {
            expect(compareKeys(items[0]!, previousLast)).toBeGreaterThan(0);
          }
          if (!page.isTruncated) break;
          expect(page.next).toBe(items.at(-1));
          previousLast = page.next;
          after = page.next;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives ListObjects v1 clients the same items through NextMarker or the last key', async () => {
    await fc.assert(
      fc.asyncProperty(keySet, prefix, delimiter, maxKeys, async (keys, p, d, max) => {
        const items = await walkV1(keys, p, d, max);
        expect([...items].sort(compareKeys)).toEqual(expectedItems(keys, p, d));
        expect(new Set(items).size).toBe(items.length);
      }),
      { numRuns: 200 },
    );
  });

  it('yields every version and delete marker once, resuming by key and version id markers', async () => {
    const versionedKeys = fc.uniqueArray(
      fc.record({ key, versions: fc.integer({ min: 1, max: 4 }) }),
      { selector: (entry) => entry.key, maxLength: 15 },
    );
    await fc.assert(
      fc.asyncProperty(
        versionedKeys,
        prefix,
        delimiter,
        maxKeys,
        readsBeforeSeek,
        async (spec, p, d, max, seek) => {
          const entries = [...spec]
            .sort((x, y) => compareKeys(x.key, y.key))
            .flatMap(({ key: k, versions }) =>
              Array.from({ length: versions }, (_, i) => ({
                key: k,
                versionId: `${k}#${versions - i}`,
              })),
            );
          const expected = new Set<string>();
          for (const entry of entries) {
            if (!entry.key.startsWith(p)) continue;
            expected.add(commonPrefixOf(entry.key, p, d) ?? entry.versionId);
          }
          const seen: string[] = [];
          let keyMarker: string | undefined;
          let versionIdMarker: string | undefined;
          for (let pages = 0; pages <= entries.length + 1; pages++) {
            const page = await listVersionsPage(
              { prefix: p, delimiter: d, maxKeys: max, keyMarker, versionIdMarker },
              memoryScan(entries).scan,
              { readsBeforeSeek: seek },
            );
            seen.push(...page.versions.map((entry) => entry.versionId), ...page.commonPrefixes);
            if (!page.isTruncated) break;
            ({ nextKeyMarker: keyMarker, nextVersionIdMarker: versionIdMarker } = page);
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect(new Set(seen)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('yields every multipart upload once, resuming by key and upload id markers', async () => {
    const uploads = fc.uniqueArray(fc.record({ key, count: fc.integer({ min: 1, max: 3 }) }), {
      selector: (entry) => entry.key,
      maxLength: 15,
    });
    await fc.assert(
      fc.asyncProperty(uploads, prefix, delimiter, maxKeys, async (spec, p, d, max) => {
        const entries = [...spec]
          .sort((x, y) => compareKeys(x.key, y.key))
          .flatMap(({ key: k, count }) =>
            Array.from({ length: count }, (_, i) => ({ key: k, uploadId: `${k}#${i}` })),
          );
        const expected = new Set(
          entries
            .filter((e) => e.key.startsWith(p))
            .map((e) => commonPrefixOf(e.key, p, d) ?? e.uploadId),
        );
        const seen: string[] = [];
        let keyMarker: string | undefined;
        let uploadIdMarker: string | undefined;
        for (let pages = 0; pages <= entries.length + 1; pages++) {
          const page = await listUploadsPage(
            { prefix: p, delimiter: d, maxUploads: max, keyMarker, uploadIdMarker },
            memoryScan(entries).scan,
          );
          seen.push(...page.uploads.map((entry) => entry.uploadId), ...page.commonPrefixes);
          if (!page.isTruncated) break;
          ({ nextKeyMarker: keyMarker, nextUploadIdMarker: uploadIdMarker } = page);
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(new Set(seen)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
