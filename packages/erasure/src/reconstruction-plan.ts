import { invertMatrix, multiplyMatrices } from './matrix.ts';
import type { Matrix } from './matrix.ts';

/** How to rebuild some shards of a stripe from k others: targets = matrix · sources. */
export interface ReconstructionPlan {
  /** The k shard indexes read, in the order of the matrix columns. */
  readonly sources: readonly number[];
  /** The shard indexes rebuilt, one per matrix row. */
  readonly targets: readonly number[];
  readonly matrix: Matrix;
}

/**
 * Every shard is a row of the generator G times the data: shards[s] = G[s] · data. Reading k
 * sources S gives sources = G[S] · data, so data = G[S]^-1 · sources (G[S] is invertible for
 * any S, see encodingMatrix), and any target t is G[t] · G[S]^-1 · sources. For a data target
 * G[t] is a unit row and this is simply row t of the inverse.
 */
export function planReconstruction(
  generator: Matrix,
  dataShards: number,
  targets: readonly number[],
): ReconstructionPlan {
  const sources = generator
    .map((_, index) => index)
    .filter((index) => !targets.includes(index))
    .slice(0, dataShards);
  const decode = invertMatrix(sources.map((index) => generator[index]!));
  const targetRows = targets.map((index) => generator[index]!);
  return { sources, targets, matrix: multiplyMatrices(targetRows, decode) };
}
