export { createCodec, MAX_TOTAL_SHARDS } from './codec.ts';
export type { CodecOptions, ErasureCodec } from './codec.ts';
export type { KernelName } from './kernel.ts';
export { NotEnoughShardsError } from './not-enough-shards-error.ts';
export { GF_POLYNOMIAL } from './gf256.ts';
