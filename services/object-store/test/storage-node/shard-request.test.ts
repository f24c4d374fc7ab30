import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRangeHeader, resolveRange } from '../../src/storage-node/domain/byte-range.ts';
import { isShardId } from '../../src/storage-node/domain/shard-id.ts';

const SEGMENT = '0190d3a4-1234-7abc-8def-0123456789ab';

describe('shard ids', () => {
  it.each([`${SEGMENT}.0`, `${SEGMENT}.9`, `${SEGMENT}.10`, `${SEGMENT}.199`, `${SEGMENT}.255`])(
    'accepts %s',
    (id) => expect(isShardId(id)).toBe(true),
  );

  it.each([
    ['a path', `../${SEGMENT}.0`],
    ['a parent folder', '..'],
    ['a slash inside', `${SEGMENT}.0/x`],
    ['upper case (one shard, one spelling)', `${SEGMENT.toUpperCase()}.0`],
    ['an index past 255', `${SEGMENT}.256`],
    ['a leading zero', `${SEGMENT}.01`],
    ['no index', SEGMENT],
    ['a trailing newline', `${SEGMENT}.0\n`],
    ['not a uuid', 'not-a-uuid.0'],
  ])('rejects %s', (_, id) => expect(isShardId(id)).toBe(false));
});

describe('byte ranges', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 10 }],
    ['bytes=90-', 100, { start: 90, end: 100 }],
    ['bytes=-10', 100, { start: 90, end: 100 }],
    ['bytes=-500', 100, { start: 0, end: 100 }],
    ['bytes=50-5000', 100, { start: 50, end: 100 }],
  ])('%s of %i bytes is %o', (header, length, range) => {
    expect(resolveRange(parseRangeHeader(header), length)).toEqual(range);
  });

  it.each([
    'bytes=5-1',
    'bytes=-',
    'bytes=0-1,5-6',
    'items=0-1',
    'bytes=a-b',
    'bytes=99999999999999999999-',
  ])('refuses %s', (header) => expect(() => parseRangeHeader(header)).toThrow(/Unsupported Range/));

  it.each([
    ['bytes=100-', 100],
    ['bytes=0-', 0],
    ['bytes=-0', 100],
  ])('%s of %i bytes is not satisfiable', (header, length) => {
    expect(() => resolveRange(parseRangeHeader(header), length)).toThrow(
      expect.objectContaining({ code: 'shard.range_not_satisfiable' }),
    );
  });

  it('always selects a non-empty part of the shard', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.integer({ min: 1, max: 1000 }), (a, b, length) => {
        const [first, last] = a <= b ? [a, b] : [b, a];
        fc.pre(first < length);
        const { start, end } = resolveRange(parseRangeHeader(`bytes=${first}-${last}`), length);
        expect(start).toBe(first);
        expect(end).toBe(Math.min(last + 1, length));
        expect(end).toBeGreaterThan(start);
      }),
    );
  });
});
