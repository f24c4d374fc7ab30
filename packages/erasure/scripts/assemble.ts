// Writes src/simd-kernel.wasm from src/simd-kernel.wat. The binary is committed because Node
// runs this package without a build step; test/simd-kernel-binary.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleKernel, KERNEL_BINARY } from './assemble-kernel.ts';

const binary = await assembleKernel();
writeFileSync(KERNEL_BINARY, binary);
console.log(`wrote ${fileURLToPath(KERNEL_BINARY)} (${binary.length} bytes)`);
