import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  contentRange,
  copySourcePreconditionsFromHeaders,
  etagMatches,
  evaluateCopySourcePreconditions,
  evaluatePreconditions,
  parseCopySourceRange,
  parseEtagList,
  parseRange,
  preconditionsFromHeaders,
  quoteEtag,
  unquoteEtag,
} from '../../src/domain/s3/index.ts';
import { catchS3Error } from './catch-s3-error.ts';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=10-', 100, { start: 10, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=90-500', 100, { start: 90, end: 99 }],
    ['bytes=99-99', 100, { start: 99, end: 99 }],
    [' bytes=0-0 ', 1, { start: 0, end: 0 }],
  ])('%s of %i bytes is %o', (header, size, range) => {
    expect(parseRange(header, size)).toEqual(range);
  });

  it.each([
    ['no header', undefined],
    ['several ranges, which S3 answers with the whole object', 'bytes=0-1,5-6'],
    ['another unit', 'items=0-1'],
    ['a syntax error', 'bytes=abc'],
    ['no positions', 'bytes=-'],
    ['last before first', 'bytes=5-3'],
  ])('serves the whole object for %s', (_case, header) => {
    expect(parseRange(header, 100)).toBeUndefined();
  });

  it.each([
    ['bytes=100-', 100],
    ['bytes=100-200', 100],
    ['bytes=-0', 100],
    ['bytes=0-', 0],
    ['bytes=0-0', 0],
  ])('answers 416 InvalidRange for %s of %i bytes, with the object size', (header, size) => {
    const error = catchS3Error(() => parseRange(header, size));
    expect(error).toMatchObject({
      code: 'InvalidRange',
      status: 416,
      fields: { RangeRequested: header, ActualObjectSize: String(size) },
    });
  });

  it('serves an empty object whole for a suffix range (its last n bytes are all of it)', () => {
    expect(parseRange('bytes=-1', 0)).toBeUndefined();
  });

  it('always yields a range inside the object', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.option(fc.nat(2000)),
        fc.option(fc.nat(2000)),
        (size, first, last) => {
          const header = `bytes=${first ?? ''}-${last ?? ''}`;
          let range;
          try {
            range = parseRange(header, size);
          } catch {
            return; // unsatisfiable, checked above
          }
          if (range === undefined) return;
          expect(range.start).toBeGreaterThanOrEqual(0);
          expect(range.start).toBeLessThanOrEqual(range.end);
          expect(range.end).toBeLessThan(size);
        },
      ),
    );
  });

  it('formats Content-Range', () => {
    expect(contentRange({ start: 0, end: 9 }, 100)).toBe('bytes 0-9/100');
  });
});

describe('parseCopySourceRange', () => {
  it('takes exactly bytes=first-last inside the source', () => {
    expect(parseCopySourceRange(undefined, 10)).toBeUndefined();
    expect(parseCopySourceRange('bytes=0-9', 10)).toEqual({ start: 0, end: 9 });
    expect(catchS3Error(() => parseCopySourceRange('bytes=0-', 10)).code).toBe('InvalidArgument');
    expect(catchS3Error(() => parseCopySourceRange('bytes=0-10', 10)).code).toBe('InvalidRange');
    expect(catchS3Error(() => parseCopySourceRange('bytes=5-4', 10)).code).toBe('InvalidRange');
  });
});

describe('ETags', () => {
  it('are quoted once and unquoted once', () => {
    expect(quoteEtag('abc')).toBe('"abc"');
    expect(quoteEtag('"abc"')).toBe('"abc"');
    expect(unquoteEtag('"abc"')).toBe('abc');
    expect(unquoteEtag('W/"abc"')).toBe('abc');
    expect(unquoteEtag('abc')).toBe('abc');
  });

  it('parse as lists of strong, weak and bare tags', () => {
    expect(parseEtagList('*')).toBe('*');
    expect(parseEtagList('"a", W/"b",c , "d,e"')).toEqual([
      { weak: false, opaque: 'a' },
      { weak: true, opaque: 'b' },
      { weak: false, opaque: 'c' },
      { weak: false, opaque: 'd,e' },
    ]);
  });

  it('compare strongly for If-Match and weakly for If-None-Match', () => {
    expect(etagMatches(parseEtagList('W/"abc"'), 'abc', false)).toBe(false);
    expect(etagMatches(parseEtagList('W/"abc"'), 'abc', true)).toBe(true);
    expect(etagMatches(parseEtagList('"x", "abc"'), '"abc"', false)).toBe(true);
    expect(etagMatches('*', 'anything', false)).toBe(true);
  });
});

describe('evaluatePreconditions (RFC 9110 §13.2.2, as S3 applies it)', () => {
  const object = { etag: 'abc', lastModified: new Date('2026-01-01T12:00:00.500Z') };
  const before = 'Thu, 01 Jan 2026 11:00:00 GMT';
  const same = 'Thu, 01 Jan 2026 12:00:00 GMT';
  const after = 'Thu, 01 Jan 2026 13:00:00 GMT';

  it.each([
    ['If-Match equal', { ifMatch: '"abc"' }, 'GET', 'proceed'],
    ['If-Match unquoted', { ifMatch: 'abc' }, 'GET', 'proceed'],
    ['If-Match *', { ifMatch: '*' }, 'PUT', 'proceed'],
    ['If-None-Match equal on GET', { ifNoneMatch: '"abc"' }, 'GET', 'not-modified'],
    ['If-None-Match weak equal on HEAD', { ifNoneMatch: 'W/"abc"' }, 'HEAD', 'not-modified'],
    ['If-None-Match other', { ifNoneMatch: '"xyz"' }, 'GET', 'proceed'],
    ['If-Modified-Since before', { ifModifiedSince: before }, 'GET', 'proceed'],
    ['If-Modified-Since the same second', { ifModifiedSince: same }, 'GET', 'not-modified'],
    ['If-Modified-Since after', { ifModifiedSince: after }, 'GET', 'not-modified'],
    ['If-Modified-Since on PUT (ignored)', { ifModifiedSince: after }, 'PUT', 'proceed'],
    ['If-Unmodified-Since the same second', { ifUnmodifiedSince: same }, 'GET', 'proceed'],
    ['an unparseable date (ignored)', { ifUnmodifiedSince: 'yesterday' }, 'GET', 'proceed'],
    // S3's documented combinations:
    [
      'If-Match true beats If-Unmodified-Since false',
      { ifMatch: '"abc"', ifUnmodifiedSince: before },
      'GET',
      'proceed',
    ],
    [
      'If-None-Match false beats If-Modified-Since true',
      { ifNoneMatch: '"abc"', ifModifiedSince: before },
      'GET',
      'not-modified',
    ],
    [
      'If-None-Match true skips If-Modified-Since',
      { ifNoneMatch: '"xyz"', ifModifiedSince: after },
      'GET',
      'proceed',
    ],
  ] as const)('%s → %s', (_case, conditions, method, outcome) => {
    expect(evaluatePreconditions(conditions, object, method)).toBe(outcome);
  });

  it.each([
    ['If-Match other', { ifMatch: '"xyz"' }, 'GET', 'If-Match'],
    ['If-Match weak', { ifMatch: 'W/"abc"' }, 'GET', 'If-Match'],
    ['If-Unmodified-Since before', { ifUnmodifiedSince: before }, 'GET', 'If-Unmodified-Since'],
    ['If-None-Match * on PUT (conditional create)', { ifNoneMatch: '*' }, 'PUT', 'If-None-Match'],
    [
      'If-Match false beats everything',
      { ifMatch: '"xyz"', ifNoneMatch: '"xyz"' },
      'GET',
      'If-Match',
    ],
  ] as const)('%s → 412 PreconditionFailed', (_case, conditions, method, condition) => {
    expect(catchS3Error(() => evaluatePreconditions(conditions, object, method))).toMatchObject({
      code: 'PreconditionFailed',
      status: 412,
      fields: { Condition: condition },
    });
  });

  it('treats a missing object as matching no tag', () => {
    expect(evaluatePreconditions({ ifNoneMatch: '*' }, undefined, 'PUT')).toBe('proceed');
    expect(catchS3Error(() => evaluatePreconditions({ ifMatch: '*' }, undefined, 'PUT')).code).toBe(
      'PreconditionFailed',
    );
  });

  it('reads the conditional headers of a request', () => {
    expect(
      preconditionsFromHeaders({ 'if-match': '"a"', 'if-none-match': ['"b"', '"c"'] }),
    ).toEqual({
      ifMatch: '"a"',
      ifNoneMatch: '"b", "c"',
      ifModifiedSince: undefined,
      ifUnmodifiedSince: undefined,
    });
  });

  describe('x-amz-copy-source-if-*', () => {
    it('answers 412 where a GET would answer 304, and follows S3 combinations', () => {
      const conditions = (headers: Record<string, string>) =>
        copySourcePreconditionsFromHeaders(headers);
      expect(() =>
        evaluateCopySourcePreconditions(
          conditions({
            'x-amz-copy-source-if-match': '"abc"',
            'x-amz-copy-source-if-unmodified-since': before,
          }),
          object,
        ),
      ).not.toThrow();
      expect(
        catchS3Error(() =>
          evaluateCopySourcePreconditions(
            conditions({
              'x-amz-copy-source-if-none-match': '"abc"',
              'x-amz-copy-source-if-modified-since': before,
            }),
            object,
          ),
        ),
      ).toMatchObject({
        code: 'PreconditionFailed',
        fields: { Condition: 'x-amz-copy-source-If-None-Match' },
      });
      expect(
        catchS3Error(() =>
          evaluateCopySourcePreconditions(
            conditions({ 'x-amz-copy-source-if-modified-since': after }),
            object,
          ),
        ).fields,
      ).toEqual({ Condition: 'x-amz-copy-source-If-Modified-Since' });
    });
  });
});
