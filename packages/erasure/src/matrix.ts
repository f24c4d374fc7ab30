import { gfInverse, gfMul } from './gf256.ts';

/** A matrix over GF(2^8), one Uint8Array per row. Matrices here are small (at most 256 x 256). */
export type Matrix = readonly Uint8Array[];

export function identityMatrix(size: number): Uint8Array[] {
  return Array.from({ length: size }, (_, row) => {
    const values = new Uint8Array(size);
    values[row] = 1;
    return values;
  });
}

export function multiplyMatrices(left: Matrix, right: Matrix): Uint8Array[] {
  const columns = right[0]?.length ?? 0;
  return left.map((leftRow) => {
    const product = new Uint8Array(columns);
    leftRow.forEach((coefficient, inner) => {
      const rightRow = right[inner]!;
      for (let column = 0; column < columns; column++) {
        product[column]! ^= gfMul(coefficient, rightRow[column]!);
      }
    });
    return product;
  });
}

/** Gauss-Jordan elimination on [matrix | I]; throws if the matrix is singular. */
export function invertMatrix(matrix: Matrix): Uint8Array[] {
  const size = matrix.length;
  const work = matrix.map((row) => Uint8Array.from(row));
  const inverse = identityMatrix(size);
  for (let pivot = 0; pivot < size; pivot++) {
    const found = work.findIndex((row, index) => index >= pivot && row[pivot] !== 0);
    if (found < 0) throw new RangeError('matrix is singular');
    swap(work, pivot, found);
    swap(inverse, pivot, found);
    const scale = gfInverse(work[pivot]![pivot]!);
    scaleRow(work[pivot]!, scale);
    scaleRow(inverse[pivot]!, scale);
    for (let row = 0; row < size; row++) {
      const factor = work[row]![pivot]!;
      if (row === pivot || factor === 0) continue;
      addScaledRow(work[row]!, work[pivot]!, factor);
      addScaledRow(inverse[row]!, inverse[pivot]!, factor);
    }
  }
  return inverse;
}

function swap(rows: Uint8Array[], a: number, b: number): void {
  [rows[a], rows[b]] = [rows[b]!, rows[a]!];
}

function scaleRow(row: Uint8Array, factor: number): void {
  for (let column = 0; column < row.length; column++) row[column] = gfMul(row[column]!, factor);
}

/** target += factor · source (subtraction and addition are the same XOR in GF(2^8)). */
function addScaledRow(target: Uint8Array, source: Uint8Array, factor: number): void {
  for (let column = 0; column < target.length; column++) {
    target[column]! ^= gfMul(source[column]!, factor);
  }
}
