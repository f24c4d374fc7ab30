import { readFileSync } from 'node:fs';
import { gfMul } from './gf256.ts';
import type { Kernel } from './kernel.ts';
import type { Matrix } from './matrix.ts';

/** The exports of simd-kernel.wat (see its header for the memory layout they expect). */
interface SimdKernel {
  dot2: DotProduct;
  dot1: DotProduct;
}
type DotProduct = (
  tables: number,
  inputs: number,
  count: number,
  stride: number,
  outputs: number,
  length: number,
) => void;

/** Bytes the kernel consumes per step: staged lengths are rounded up to it. */
const COLUMN_BYTES = 64;
/** Two 16-byte nibble tables per matrix coefficient. */
const TABLE_BYTES = 32;
/**
 * Shards live in JavaScript memory, the kernel reads only its own, so shards pass through a
 * staging area block by block: a block of every input is copied in, multiplied, and the
 * outputs copied out while all of it is still in the core's L2 cache (512 KiB on current
 * x86 cores). The staging area, and so the wasm memory, stays this size whatever the shard
 * length: a 16 x 1 MiB stripe flows through the same ~192 KiB.
 */
const STAGING_BYTES = 192 * 1024;
const PAGE_BYTES = 64 * 1024;

/** The part of the WebAssembly JS API used here: @types/node does not declare it. */
interface WebAssemblyApi {
  Module: new (binary: Uint8Array) => CompiledModule;
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: CompiledModule, imports: object) => { readonly exports: unknown };
}
interface CompiledModule {
  readonly compiled: unique symbol;
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

let compiled: CompiledModule | undefined;

/** Compiled synchronously, once per process, on first use. */
function simdKernelModule(): CompiledModule {
  compiled ??= new wasm.Module(readFileSync(new URL('./simd-kernel.wasm', import.meta.url)));
  return compiled;
}

/** A kernel with its own wasm instance and memory, sized for `inputs` x `outputs` matrices. */
export function createWasmKernel(maxInputs: number, maxOutputs: number): Kernel {
  const slots = maxInputs + maxOutputs;
  const block = Math.max(COLUMN_BYTES, roundDown(STAGING_BYTES / slots, COLUMN_BYTES));
  const stagingStart = roundUp(maxInputs * maxOutputs * TABLE_BYTES, COLUMN_BYTES);
  const memory = new wasm.Memory({
    initial: Math.ceil((stagingStart + slots * block) / PAGE_BYTES),
  });
  const instance = new wasm.Instance(simdKernelModule(), { kernel: { memory } });
  const { dot1, dot2 } = instance.exports as SimdKernel;
  const heap = new Uint8Array(memory.buffer);
  const slot = (index: number) => stagingStart + index * block;

  const tablesByMatrix = new WeakMap<Matrix, Uint8Array>();
  let loaded: Matrix | undefined;
  const load = (matrix: Matrix) => {
    if (loaded === matrix) return;
    let tables = tablesByMatrix.get(matrix);
    if (tables === undefined) {
      tables = nibbleTables(matrix);
      tablesByMatrix.set(matrix, tables);
    }
    heap.set(tables, 0);
    loaded = matrix;
  };

  return {
    name: 'wasm',
    multiply(matrix, inputs, outputs) {
      if (matrix.length === 0) return;
      load(matrix);
      const count = inputs.length;
      const length = inputs[0]?.length ?? 0;
      for (let start = 0; start < length; start += block) {
        const size = Math.min(block, length - start);
        inputs.forEach((input, i) => heap.set(input.subarray(start, start + size), slot(i)));
        for (let row = 0; row < matrix.length; row += 2) {
          const dot = row + 1 < matrix.length ? dot2 : dot1;
          const tables = row * count * TABLE_BYTES;
          dot(tables, slot(0), count, block, slot(count + row), roundUp(size, COLUMN_BYTES));
        }
        outputs.forEach((output, r) => {
          output.set(heap.subarray(slot(count + r), slot(count + r) + size), start);
        });
      }
    },
  };
}

/** For each coefficient c, row by row: c · l for l = 0..15, then c · (h << 4) for h = 0..15. */
function nibbleTables(matrix: Matrix): Uint8Array {
  const coefficients = matrix.flatMap((row) => [...row]);
  const tables = new Uint8Array(coefficients.length * TABLE_BYTES);
  coefficients.forEach((c, index) => {
    for (let nibble = 0; nibble < 16; nibble++) {
      tables[index * TABLE_BYTES + nibble] = gfMul(c, nibble);
      tables[index * TABLE_BYTES + 16 + nibble] = gfMul(c, nibble << 4);
    }
  });
  return tables;
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function roundDown(value: number, multiple: number): number {
  return Math.floor(value / multiple) * multiple;
}
