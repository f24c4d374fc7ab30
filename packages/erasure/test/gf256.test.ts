import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GF_POLYNOMIAL, gfInverse, gfMul, gfProducts } from '../src/gf256.ts';

const byte = fc.integer({ min: 0, max: 255 });
const nonZero = fc.integer({ min: 1, max: 255 });

/** Shift-and-add multiplication, straight from the definition, to check the log tables. */
function slowMul(a: number, b: number): number {
  let product = 0;
  for (let x = a, y = b; y > 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & 0x100) x ^= GF_POLYNOMIAL;
  }
  return product;
}

describe('GF(2^8) with polynomial 0x11d', () => {
  it('reduces by x^8 + x^4 + x^3 + x^2 + 1', () => {
    expect(GF_POLYNOMIAL).toBe(0x11d);
    expect(gfMul(0x80, 2)).toBe(0x1d);
    expect(gfInverse(2)).toBe(0x8e);
    expect(gfInverse(3)).toBe(0xf4);
  });

  it('multiplies as the shift-and-add definition does, for all 65536 pairs', () => {
    for (let a = 0; a < 256; a++) {
      const products = gfProducts(a);
      for (let b = 0; b < 256; b++) {
        expect(gfMul(a, b)).toBe(slowMul(a, b));
        expect(products[b]).toBe(slowMul(a, b));
      }
    }
  });

  it('is a field: commutative, associative, distributive over XOR', () => {
    fc.assert(
      fc.property(byte, byte, byte, (a, b, c) => {
        expect(gfMul(a, b)).toBe(gfMul(b, a));
        expect(gfMul(gfMul(a, b), c)).toBe(gfMul(a, gfMul(b, c)));
        expect(gfMul(a, b ^ c)).toBe(gfMul(a, b) ^ gfMul(a, c));
      }),
    );
  });

  it('inverts every non-zero byte, and refuses 0', () => {
    fc.assert(
      fc.property(nonZero, (a) => {
        expect(gfMul(a, gfInverse(a))).toBe(1);
      }),
    );
    expect(() => gfInverse(0)).toThrow(RangeError);
  });
});
