export { createHashPool } from './hash-pool.ts';
export type { HashPool, HashPoolOptions, HashStream } from './hash-pool.ts';
export { HashWorkerError } from './hash-worker-error.ts';
export { sharedHashPool } from './shared-hash-pool.ts';
