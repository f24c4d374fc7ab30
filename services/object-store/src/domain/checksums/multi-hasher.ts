import type { HashName } from './checksum-algorithm.ts';
import { createHasher } from './hasher.ts';
import type { Hasher } from './hasher.ts';

/** Several hashers fed the same bytes: the body is read once, whatever the client asked for. */
export interface MultiHasher {
  update(chunk: Uint8Array): void;
  digests(): ReadonlyMap<HashName, Buffer>;
}

export function createMultiHasher(names: Iterable<HashName>): MultiHasher {
  const hashers = new Map<HashName, Hasher>();
  for (const name of names) hashers.set(name, createHasher(name));
  return {
    update: (chunk) => {
      for (const hasher of hashers.values()) hasher.update(chunk);
    },
    digests: () => new Map([...hashers].map(([name, hasher]) => [name, hasher.digest()])),
  };
}
