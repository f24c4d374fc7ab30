import { Buffer } from 'node:buffer';
import { encodingMatrix } from './encoding-matrix.ts';
import type { Kernel, KernelName } from './kernel.ts';
import { LruCache } from './lru-cache.ts';
import type { Matrix } from './matrix.ts';
import { NotEnoughShardsError } from './not-enough-shards-error.ts';
import { planReconstruction } from './reconstruction-plan.ts';
import type { ReconstructionPlan } from './reconstruction-plan.ts';
import { typescriptKernel } from './typescript-kernel.ts';
import { createWasmKernel } from './wasm-kernel.ts';

export interface CodecOptions {
  dataShards: number;
  parityShards: number;
  /** Default 'wasm' (SIMD); 'typescript' is the readable reference. Both give the same bytes. */
  kernel?: KernelName;
}

/**
 * Systematic Reed-Solomon over GF(2^8): k data shards, m parity shards, any k of the k + m
 * rebuild the rest. Shards of one stripe all have the same length, any length (zero too).
 */
export interface ErasureCodec {
  readonly dataShards: number;
  readonly parityShards: number;
  readonly kernel: KernelName;
  /** data: k shards of equal length; returns m new parity shards of that length. */
  encode(data: readonly Uint8Array[]): Uint8Array[];
  /** encode() into the caller's m parity buffers (same length as the data, not aliasing it). */
  encodeInto(data: readonly Uint8Array[], parity: readonly Uint8Array[]): void;
  /**
   * shards: k+m entries, `undefined` where missing (at least k present, equal lengths). Returns
   * all k+m shards, the present ones as given and the missing ones rebuilt. Throws
   * NotEnoughShardsError when fewer than k are present.
   */
  reconstruct(shards: readonly (Uint8Array | undefined)[]): Uint8Array[];
  /**
   * Rebuilds, in place, the shards at the `missing` indexes from the others: all k+m buffers
   * are given, those at `missing` are overwritten. For healing into preallocated buffers.
   */
  reconstructInto(shards: readonly Uint8Array[], missing: readonly number[]): void;
  /** true when the parity shards match the data shards. */
  verify(shards: readonly Uint8Array[]): boolean;
}

/** Maximum shards per stripe: a Cauchy matrix needs k + m distinct bytes. */
export const MAX_TOTAL_SHARDS = 256;

/**
 * A degraded read decodes every stripe of an object with the same erasure pattern, so decode
 * matrices (a k x k inversion each) are cached per pattern. Few patterns are live at once.
 */
const DECODE_CACHE_SIZE = 32;

/** Synchronous: the wasm module is compiled once per process, on the first wasm codec. */
export function createCodec(options: CodecOptions): ErasureCodec {
  const { dataShards, parityShards, kernel = 'wasm' } = options;
  if (!Number.isInteger(dataShards) || dataShards < 1) {
    throw new RangeError(`dataShards must be an integer >= 1, got ${dataShards}`);
  }
  if (!Number.isInteger(parityShards) || parityShards < 0) {
    throw new RangeError(`parityShards must be an integer >= 0, got ${parityShards}`);
  }
  if (dataShards + parityShards > MAX_TOTAL_SHARDS) {
    throw new RangeError(
      `dataShards + parityShards must be at most ${MAX_TOTAL_SHARDS} in GF(2^8), got ${dataShards + parityShards}`,
    );
  }
  if (kernel !== 'wasm' && kernel !== 'typescript') {
    throw new RangeError(`kernel must be 'wasm' or 'typescript', got ${String(kernel)}`);
  }
  const implementation =
    kernel === 'wasm' ? createWasmKernel(dataShards, parityShards) : typescriptKernel;
  return new ReedSolomonCodec(dataShards, parityShards, implementation);
}

class ReedSolomonCodec implements ErasureCodec {
  readonly dataShards: number;
  readonly parityShards: number;
  readonly kernel: KernelName;
  readonly #kernel: Kernel;
  readonly #generator: Matrix;
  readonly #parityRows: Matrix;
  readonly #plans = new LruCache<string, ReconstructionPlan>(DECODE_CACHE_SIZE);

  constructor(dataShards: number, parityShards: number, kernel: Kernel) {
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    this.kernel = kernel.name;
    this.#kernel = kernel;
    this.#generator = encodingMatrix(dataShards, parityShards);
    this.#parityRows = this.#generator.slice(dataShards);
  }

  encode(data: readonly Uint8Array[]): Uint8Array[] {
    const length = this.#checkData(data);
    const parity = Array.from({ length: this.parityShards }, () => new Uint8Array(length));
    this.#kernel.multiply(this.#parityRows, data, parity);
    return parity;
  }

  encodeInto(data: readonly Uint8Array[], parity: readonly Uint8Array[]): void {
    const length = this.#checkData(data);
    if (parity.length !== this.parityShards) {
      throw new RangeError(`expected ${this.parityShards} parity buffers, got ${parity.length}`);
    }
    checkLengths(parity, { length });
    this.#kernel.multiply(this.#parityRows, data, parity);
  }

  reconstruct(shards: readonly (Uint8Array | undefined)[]): Uint8Array[] {
    this.#checkStripeSize(shards.length);
    const missing = shards.flatMap((shard, index) => (shard === undefined ? [index] : []));
    this.#checkEnoughPresent(missing.length);
    const length = checkLengths(shards, { allowMissing: true });
    const complete = shards.map((shard) => shard ?? new Uint8Array(length));
    if (missing.length > 0) this.#rebuild(complete, missing);
    return complete;
  }

  reconstructInto(shards: readonly Uint8Array[], missing: readonly number[]): void {
    this.#checkStripeSize(shards.length);
    checkLengths(shards);
    const total = this.dataShards + this.parityShards;
    const targets = [...new Set(missing)].sort((a, b) => a - b);
    const invalid = targets.find(
      (index) => !Number.isInteger(index) || index < 0 || index >= total,
    );
    if (invalid !== undefined) {
      throw new RangeError(`missing index ${invalid} is not a shard index in 0..${total - 1}`);
    }
    this.#checkEnoughPresent(targets.length);
    if (targets.length > 0) this.#rebuild(shards, targets);
  }

  verify(shards: readonly Uint8Array[]): boolean {
    this.#checkStripeSize(shards.length);
    checkLengths(shards);
    const parity = this.encode(shards.slice(0, this.dataShards));
    return parity.every((expected, j) => sameBytes(expected, shards[this.dataShards + j]!));
  }

  /** targets: sorted, distinct, at most m. */
  #rebuild(shards: readonly Uint8Array[], targets: readonly number[]): void {
    const key = targets.join(',');
    let plan = this.#plans.get(key);
    if (plan === undefined) {
      plan = planReconstruction(this.#generator, this.dataShards, targets);
      this.#plans.set(key, plan);
    }
    this.#kernel.multiply(
      plan.matrix,
      plan.sources.map((index) => shards[index]!),
      plan.targets.map((index) => shards[index]!),
    );
  }

  #checkData(data: readonly Uint8Array[]): number {
    if (data.length !== this.dataShards) {
      throw new RangeError(`expected ${this.dataShards} data shards, got ${data.length}`);
    }
    return checkLengths(data);
  }

  #checkStripeSize(count: number): void {
    const total = this.dataShards + this.parityShards;
    if (count !== total) {
      throw new RangeError(`expected ${total} shards (data then parity), got ${count}`);
    }
  }

  #checkEnoughPresent(missing: number): void {
    if (missing > this.parityShards) {
      const total = this.dataShards + this.parityShards;
      throw new NotEnoughShardsError(total - missing, this.dataShards);
    }
  }
}

/**
 * Every shard is a Uint8Array of the same length (`length` when given) and returns that
 * length; `undefined` entries are skipped only for reconstruct(), where they mark the missing.
 */
function checkLengths(
  shards: readonly (Uint8Array | undefined)[],
  { length, allowMissing = false }: { length?: number; allowMissing?: boolean } = {},
): number {
  let expected = length;
  shards.forEach((shard, index) => {
    if (shard === undefined && allowMissing) return;
    if (!(shard instanceof Uint8Array)) throw new TypeError(`shard ${index} is not a Uint8Array`);
    expected ??= shard.length;
    if (shard.length !== expected) {
      throw new RangeError(
        `shards must have equal lengths: expected ${expected} bytes, shard ${index} has ${shard.length}`,
      );
    }
  });
  return expected ?? 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
