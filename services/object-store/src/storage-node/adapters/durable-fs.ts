import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Makes a folder's entries durable: after a rename, the file's data may be on disk while the
 * new name is still only in the page cache; fsync of the folder writes the name down.
 */
export async function fsyncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Creates `path` and missing parents, durably: each new folder is an entry of its parent. */
export async function ensureDir(path: string): Promise<void> {
  const firstCreated = await mkdir(path, { recursive: true });
  if (firstCreated === undefined) return;
  for (let dir = path; ; dir = dirname(dir)) {
    await fsyncDir(dirname(dir));
    if (dir === firstCreated) return;
  }
}
