import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TooLargeError, UnavailableError } from '@scale-models/errors';
import { createBlockFramer } from '../domain/block-framer.ts';
import { encodeHeader, HEADER_SIZE } from '../domain/shard-header.ts';
import { ensureDir, fsyncDir } from './durable-fs.ts';
import type { ShardPaths } from './shard-paths.ts';

export interface WriteOptions {
  blockSize: number;
  /** Largest shard accepted; the stream is cut off as soon as it goes past. */
  maxLength: number;
}

export interface WrittenShard {
  length: number;
  /** CRC32 of the shard's data, for the sender to compare with what it sent. */
  crc32: number;
}

/**
 * Streams `source` into a shard file that appears whole or not at all: frames go to a temp
 * file, the header last; then fsync, rename over the final name (atomic, so an overwrite is
 * too), and fsync of the folder so the rename survives a power cut. If `source` fails (the
 * client went away) or anything else does, the temp file is removed and no shard changes.
 */
export async function writeShard(
  paths: ShardPaths,
  shardId: string,
  source: AsyncIterable<Uint8Array>,
  options: WriteOptions,
): Promise<WrittenShard> {
  const tempPath = paths.temp(shardId);
  let committed = false;
  try {
    const written = await writeTempFile(tempPath, source, options);
    const finalPath = paths.shard(shardId);
    await ensureDir(dirname(finalPath));
    await rename(tempPath, finalPath);
    committed = true;
    await fsyncDir(dirname(finalPath));
    return written;
  } catch (error) {
    throw asServiceError(error);
  } finally {
    if (!committed) await rm(tempPath, { force: true });
  }
}

async function writeTempFile(
  tempPath: string,
  source: AsyncIterable<Uint8Array>,
  { blockSize, maxLength }: WriteOptions,
): Promise<WrittenShard> {
  const file = await open(tempPath, 'wx');
  try {
    const framer = createBlockFramer(blockSize);
    let position = HEADER_SIZE;
    // One chunk at a time: the next is read only once this one is on its way to disk, which
    // holds the sender back through TCP flow control instead of buffering its shard here.
    for await (const chunk of source) {
      if (framer.length + chunk.length > maxLength) throw tooLarge(maxLength);
      position += await writeFully(file, framer.push(chunk), position);
    }
    await writeFully(file, framer.finish(), position);
    await writeFully(file, [encodeHeader({ blockSize, length: framer.length })], 0);
    await file.sync();
    return { length: framer.length, crc32: framer.crc32 };
  } finally {
    await file.close();
  }
}

async function writeFully(file: FileHandle, frames: Buffer[], position: number): Promise<number> {
  if (frames.length === 0) return 0;
  const expected = frames.reduce((sum, frame) => sum + frame.length, 0);
  const { bytesWritten } = await file.writev(frames, position);
  // A regular file writes short only when the disk is full.
  if (bytesWritten !== expected) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
  return bytesWritten;
}

function tooLarge(maxLength: number): TooLargeError {
  return new TooLargeError('shard.too_large', `A shard holds at most ${maxLength} bytes.`, {
    details: { maxLength },
  });
}

// A full disk is this node's problem, not the request's: 503 tells the gateway to place the
// shard elsewhere.
function asServiceError(error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') return error;
  return new UnavailableError('node.disk_full', 'The storage node is out of disk space.', {
    cause: error,
  });
}
