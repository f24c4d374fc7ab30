import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleKernel, KERNEL_BINARY } from '../scripts/assemble-kernel.ts';

describe('src/simd-kernel.wasm', () => {
  it('is the assembly of src/simd-kernel.wat (run `pnpm assemble` after editing the .wat)', async () => {
    const committed = new Uint8Array(readFileSync(KERNEL_BINARY));
    expect(Buffer.from(await assembleKernel()).equals(committed)).toBe(true);
  });
});
