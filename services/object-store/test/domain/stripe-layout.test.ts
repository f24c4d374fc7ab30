import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  shardLength,
  stripeAt,
  stripeCount,
  stripesCovering,
} from '../../src/domain/stripe-layout.ts';
import { writeQuorum } from '../../src/domain/quorum.ts';

// At most 300 stripes, so each property run stays quick.
const layouts = fc
  .record({
    dataShards: fc.integer({ min: 1, max: 16 }),
    blockSize: fc.integer({ min: 1, max: 70_000 }),
  })
  .chain(({ dataShards, blockSize }) =>
    fc.record({
      dataShards: fc.constant(dataShards),
      blockSize: fc.constant(blockSize),
      size: fc.integer({ min: 1, max: dataShards * blockSize * 300 }),
    }),
  );

describe('stripe layout', () => {
  it('cuts a 10 MiB segment into 4+2 stripes of 1 MiB blocks and a padded tail', () => {
    const layout = { size: 10 * 2 ** 20, dataShards: 4, blockSize: 2 ** 20 };
    expect(stripeCount(layout)).toBe(3);
    expect(stripeAt(layout, 2)).toEqual({
      index: 2,
      offset: 8 * 2 ** 20,
      size: 2 * 2 ** 20,
      blockLength: 2 ** 19,
      shardOffset: 2 * 2 ** 20,
    });
    expect(shardLength(layout)).toBe(2 * 2 ** 20 + 2 ** 19);
  });

  it('stripes tile the segment and the shards without gaps or overlap', () => {
    fc.assert(
      fc.property(layouts, (layout) => {
        let offset = 0;
        let shardOffset = 0;
        for (let i = 0; i < stripeCount(layout); i += 1) {
          const stripe = stripeAt(layout, i);
          expect(stripe.offset).toBe(offset);
          expect(stripe.shardOffset).toBe(shardOffset);
          expect(stripe.blockLength * layout.dataShards).toBeGreaterThanOrEqual(stripe.size);
          expect((stripe.blockLength - 1) * layout.dataShards).toBeLessThan(stripe.size);
          offset += stripe.size;
          shardOffset += stripe.blockLength;
        }
        expect(offset).toBe(layout.size);
        expect(shardOffset).toBe(shardLength(layout));
      }),
    );
  });

  it('stripesCovering returns exactly the stripes that hold a byte range', () => {
    fc.assert(
      fc.property(
        layouts.chain((layout) =>
          fc.tuple(
            fc.constant(layout),
            fc.integer({ min: 0, max: layout.size - 1 }),
            fc.integer({ min: 0, max: layout.size - 1 }),
          ),
        ),
        ([layout, a, b]) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const stripes = stripesCovering(layout, start, end);
          const first = stripes[0]!;
          const last = stripes.at(-1)!;
          expect(first.offset).toBeLessThanOrEqual(start);
          expect(start).toBeLessThan(first.offset + first.size);
          expect(last.offset).toBeLessThanOrEqual(end);
          expect(end).toBeLessThan(last.offset + last.size);
          stripes.forEach((stripe, i) => expect(stripe.index).toBe(first.index + i));
        },
      ),
    );
  });

  it('rejects ranges and stripes outside the segment', () => {
    const layout = { size: 100, dataShards: 4, blockSize: 8 };
    expect(() => stripesCovering(layout, 0, 100)).toThrow(RangeError);
    expect(() => stripeAt(layout, 4)).toThrow(RangeError);
    expect(stripeCount({ ...layout, size: 0 })).toBe(0);
    expect(shardLength({ ...layout, size: 0 })).toBe(0);
  });
});

describe('write quorum', () => {
  it('is k+1 with parity, k without', () => {
    expect(writeQuorum(4, 2)).toBe(5);
    expect(writeQuorum(12, 4)).toBe(13);
    expect(writeQuorum(3, 0)).toBe(3);
  });
});
