import type { Matrix } from './matrix.ts';

export type KernelName = 'wasm' | 'typescript';

/**
 * The one hot loop of the codec: `outputs[r] = sum over i of matrix[r][i] · inputs[i]`, byte by
 * byte in GF(2^8). Encoding multiplies the data by the parity rows of the generator matrix;
 * reconstruction multiplies k surviving shards by rows of a decode matrix. Every buffer has the
 * same length; `matrix` has one row per output and one column per input, and a kernel may keep
 * precomputed tables per matrix object, so callers pass the same object for the same matrix.
 */
export interface Kernel {
  readonly name: KernelName;
  multiply(matrix: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void;
}
