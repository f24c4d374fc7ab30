import { readFileSync } from 'node:fs';
import wabt from 'wabt';

export const KERNEL_SOURCE = new URL('../src/simd-kernel.wat', import.meta.url);
export const KERNEL_BINARY = new URL('../src/simd-kernel.wasm', import.meta.url);

/** Assembles src/simd-kernel.wat with wabt (deterministic: same source, same bytes). */
export async function assembleKernel(): Promise<Uint8Array> {
  const toolkit = await wabt();
  const module = toolkit.parseWat('simd-kernel.wat', readFileSync(KERNEL_SOURCE, 'utf8'), {
    simd: true,
    relaxed_simd: true,
  });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}
