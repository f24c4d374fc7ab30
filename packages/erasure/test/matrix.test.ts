import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodingMatrix } from '../src/encoding-matrix.ts';
import { gfInverse } from '../src/gf256.ts';
import { identityMatrix, invertMatrix, multiplyMatrices } from '../src/matrix.ts';
import type { Matrix } from '../src/matrix.ts';

const asArrays = (matrix: Matrix) => matrix.map((row) => [...row]);

/** Every way to choose `size` of the indexes 0..count-1. */
function* choices(count: number, size: number, from = 0): Generator<number[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let first = from; first <= count - size; first++) {
    for (const rest of choices(count, size - 1, first + 1)) yield [first, ...rest];
  }
}

describe('matrices over GF(2^8)', () => {
  it('inverts: A · A^-1 = I', () => {
    const cauchy = encodingMatrix(5, 5).slice(5);
    const product = multiplyMatrices(cauchy, invertMatrix(cauchy));
    expect(asArrays(product)).toEqual(asArrays(identityMatrix(5)));
  });

  it('refuses a singular matrix', () => {
    const singular = [Uint8Array.of(1, 2), Uint8Array.of(2, 4)]; // row 2 = 2 · row 1
    expect(() => invertMatrix(singular)).toThrow('singular');
  });

  it('encoding matrix is systematic: identity on top, then the parity rows', () => {
    const generator = encodingMatrix(4, 2);
    expect(generator).toHaveLength(6);
    expect(asArrays(generator.slice(0, 4))).toEqual(asArrays(identityMatrix(4)));
    // C[i][j] = 1 / (x_i + y_j) with x_i = k + i, y_j = j
    expect(generator[4]![0]).toBe(gfInverse(4 ^ 0));
    expect(generator[5]![3]).toBe(gfInverse(5 ^ 3));
  });

  it('every k x k choice of rows of the encoding matrix is invertible (exhaustive, k + m <= 10)', () => {
    for (let k = 1; k <= 6; k++) {
      for (let m = 0; m <= 10 - k; m++) {
        const generator = encodingMatrix(k, m);
        for (const rows of choices(k + m, k)) {
          const square = rows.map((row) => generator[row]!);
          expect(asArrays(multiplyMatrices(square, invertMatrix(square)))).toEqual(
            asArrays(identityMatrix(k)),
          );
        }
      }
    }
  });

  it('every k x k choice is invertible for large codes too (sampled, up to 256 shards)', () => {
    const code = fc
      .integer({ min: 1, max: 128 })
      .chain((k) => fc.record({ k: fc.constant(k), m: fc.integer({ min: 0, max: 256 - k }) }))
      .chain(({ k, m }) =>
        fc.record({
          k: fc.constant(k),
          m: fc.constant(m),
          rows: fc.shuffledSubarray(
            Array.from({ length: k + m }, (_, i) => i),
            { minLength: k, maxLength: k },
          ),
        }),
      );
    fc.assert(
      fc.property(code, ({ k, m, rows }) => {
        const generator = encodingMatrix(k, m);
        expect(() => invertMatrix(rows.map((row) => generator[row]!))).not.toThrow();
      }),
      { numRuns: 25 },
    );
  });
});
