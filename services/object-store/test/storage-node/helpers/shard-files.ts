import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// The file format as documented in README-storage-node.md, spelled out independently of the
// code so the tests check the documentation too.
const HEADER_SIZE = 24;
const CRC_SIZE = 4;

export function shardFilePath(dataDir: string, shardId: string): string {
  return join(dataDir, 'shards', shardId.slice(0, 2), shardId);
}

/** File offset of shard-data byte `offset`, skipping the header and the CRCs before it. */
export function fileOffsetOf(offset: number, blockSize: number): number {
  const block = Math.floor(offset / blockSize);
  return HEADER_SIZE + block * (blockSize + CRC_SIZE) + (offset % blockSize);
}

export function fileSizeOf(length: number, blockSize: number): number {
  return HEADER_SIZE + length + CRC_SIZE * Math.ceil(length / blockSize);
}

/** Inverts one bit at `fileOffset`: bitrot on purpose. */
export async function flipBit(path: string, fileOffset: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, fileOffset);
    byte[0] = byte[0]! ^ 0x10;
    await file.write(byte, 0, 1, fileOffset);
  } finally {
    await file.close();
  }
}

export async function tempFiles(dataDir: string): Promise<string[]> {
  return readdir(join(dataDir, 'tmp'));
}
