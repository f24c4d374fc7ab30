import { createHashPool } from './hash-pool.ts';
import type { HashPool } from './hash-pool.ts';

let shared: HashPool | undefined;

/**
 * The pool every upload of this process shares, started at the first upload. Its idle threads
 * do not keep the process alive, so nothing has to close it at shutdown.
 */
export function sharedHashPool(): HashPool {
  return (shared ??= createHashPool());
}
