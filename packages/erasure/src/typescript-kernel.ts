import { gfProducts } from './gf256.ts';
import type { Kernel } from './kernel.ts';

/** The reference kernel: a 256-byte product table per coefficient, one byte at a time. */
export const typescriptKernel: Kernel = {
  name: 'typescript',
  multiply(matrix, inputs, outputs) {
    matrix.forEach((row, r) => {
      const output = outputs[r]!;
      output.fill(0);
      row.forEach((coefficient, i) => multiplyAdd(output, coefficient, inputs[i]!));
    });
  },
};

/** output += coefficient · input */
function multiplyAdd(output: Uint8Array, coefficient: number, input: Uint8Array): void {
  if (coefficient === 0) return;
  const products = gfProducts(coefficient);
  for (let x = 0; x < input.length; x++) output[x]! ^= products[input[x]!]!;
}
