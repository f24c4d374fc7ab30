import { createHash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

const MiB = 2 ** 20;
const CHUNK = randomBytes(MiB);

/** What one core hashes per second, in MiB/s: `hashes` run over the same 1 MiB chunks. */
export function hashThroughput(
  hashes: readonly ('md5' | 'sha256' | 'crc32')[],
  mib: number,
): number {
  const hashers = hashes.map((name) => {
    if (name !== 'crc32') {
      const hash = createHash(name);
      return (chunk: Buffer) => void hash.update(chunk);
    }
    let value = 0;
    return (chunk: Buffer) => void (value = crc32(chunk, value));
  });
  const start = performance.now();
  for (let i = 0; i < mib; i += 1) for (const update of hashers) update(CHUNK);
  return mib / ((performance.now() - start) / 1000);
}

/**
 * Sequential write of `mib` MiB in 1 MiB writes to a new file in `folder`, then fsync, in
 * MiB/s: the most one disk takes durably, what every shard write ends with.
 */
export async function fsyncWriteThroughput(folder: string, mib: number): Promise<number> {
  const path = join(folder, 'raw-write-limit');
  const file = await open(path, 'wx');
  try {
    const start = performance.now();
    for (let i = 0; i < mib; i += 1) await file.write(CHUNK, 0, MiB, i * MiB);
    await file.sync();
    return mib / ((performance.now() - start) / 1000);
  } finally {
    await file.close();
    await rm(path);
  }
}
