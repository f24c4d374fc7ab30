import { gfInverse } from './gf256.ts';
import { identityMatrix } from './matrix.ts';
import type { Matrix } from './matrix.ts';

/**
 * The (k + m) x k generator matrix G = [I; C]: shard s of a stripe is row s of G times the k
 * data shards. The top k rows are the identity, so the data shards are stored as they are
 * (the code is systematic: reads of a healthy stripe need no decoding at all).
 *
 * C is the m x k Cauchy matrix C[i][j] = 1 / (x_i + y_j) with x_i = k + i and y_j = j. The
 * k + m points are distinct bytes, so x_i + y_j (an XOR) is never 0; hence k + m <= 256.
 * Every square submatrix of a Cauchy matrix is invertible. Now pick any k rows of G: a data
 * rows of I and b = k - a rows of C. Eliminating with the identity rows leaves the b x b
 * submatrix of C on the b columns whose data rows were lost, a Cauchy submatrix, so the
 * k x k choice is invertible: any k of the k + m shards determine the data (the code is MDS).
 * (A plain Vandermonde matrix stacked under I would not guarantee this.)
 */
export function encodingMatrix(dataShards: number, parityShards: number): Matrix {
  const parityRows = Array.from({ length: parityShards }, (_, i) =>
    Uint8Array.from({ length: dataShards }, (_, j) => gfInverse((dataShards + i) ^ j)),
  );
  return [...identityMatrix(dataShards), ...parityRows];
}
