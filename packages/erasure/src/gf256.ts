/**
 * Arithmetic in GF(2^8), the field of bytes that Reed-Solomon codes use.
 *
 * Addition is XOR. Multiplication is polynomial multiplication modulo the irreducible
 * polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d), the one of Linux RAID-6, ISA-L, Backblaze
 * and klauspost/reedsolomon. With it, x (the byte 2) generates every non-zero element, so
 * each non-zero byte is 2^e for one exponent e in 0..254 and products are sums of logarithms.
 */
export const GF_POLYNOMIAL = 0x11d;

const GENERATOR_ORDER = 255;

// EXP is doubled so that EXP[LOG[a] + LOG[b]] needs no modulo.
const EXP = new Uint8Array(2 * GENERATOR_ORDER);
const LOG = new Uint8Array(256);
{
  let value = 1;
  for (let exponent = 0; exponent < GENERATOR_ORDER; exponent++) {
    EXP[exponent] = value;
    EXP[exponent + GENERATOR_ORDER] = value;
    LOG[value] = exponent;
    value <<= 1;
    if (value & 0x100) value ^= GF_POLYNOMIAL;
  }
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

export function gfInverse(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(2^8)');
  return EXP[GENERATOR_ORDER - LOG[a]!]!;
}

// One 256-byte row per constant: PRODUCTS[c * 256 + x] = c · x (64 KiB in all).
const PRODUCTS = new Uint8Array(256 * 256);
for (let c = 0; c < 256; c++) {
  for (let x = 0; x < 256; x++) PRODUCTS[c * 256 + x] = gfMul(c, x);
}

/** The 256 products c · x for x = 0..255, as a lookup table (a view, not a copy). */
export function gfProducts(c: number): Uint8Array {
  return PRODUCTS.subarray(c * 256, c * 256 + 256);
}
