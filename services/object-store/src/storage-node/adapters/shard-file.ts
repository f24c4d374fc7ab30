import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { CRC_SIZE, isFrameIntact } from '../domain/block-checksum.ts';
import type { ByteRange } from '../domain/byte-range.ts';
import { shardCorrupt, shardNotFound } from '../domain/shard-errors.ts';
import { decodeHeader, HEADER_SIZE } from '../domain/shard-header.ts';
import type { ShardHeader } from '../domain/shard-header.ts';
import { blockAt, blockCount, blockIndexOf, fileSizeOf } from '../domain/shard-layout.ts';
import type { BlockLocation } from '../domain/shard-layout.ts';

/** An open shard file whose header checked out. Close it when done (idempotent). */
export interface ShardFile {
  readonly header: ShardHeader;
  readonly modifiedAt: Date;
  /**
   * The data of `range`, block by block, each block's CRC checked before any of its bytes
   * are yielded; throws `shard.corrupt` at the first bad block.
   */
  read(range: ByteRange): AsyncGenerator<Buffer>;
  /** Reads every block; the indexes of those failing their CRC. */
  findCorruptBlocks(): Promise<number[]>;
  close(): Promise<void>;
}

/** Opens a shard for reading; throws `shard.not_found`, or `shard.corrupt` for a bad header. */
export async function openShardFile(path: string, shardId: string): Promise<ShardFile> {
  const file = await openOrNotFound(path, shardId);
  try {
    const { size, mtime } = await file.stat();
    const header = decodeHeader(await readAt(file, HEADER_SIZE, 0));
    // The size must match too: a truncated or extended file is as damaged as a bad header.
    if (header === undefined || fileSizeOf(header) !== size) throw shardCorrupt(shardId, 'header');
    return shardFile(file, shardId, header, mtime);
  } catch (error) {
    await file.close();
    throw error;
  }
}

// Frames are read about 1 MiB at a time: one read per 64 KiB block costs more in calls than
// in bytes. Memory stays bounded by this, not by the shard.
const READ_BATCH_BYTES = 1024 * 1024;

interface CheckedFrame {
  block: BlockLocation;
  /** The block's data followed by its stored CRC. */
  frame: Buffer;
  intact: boolean;
}

function shardFile(
  file: FileHandle,
  shardId: string,
  header: ShardHeader,
  modifiedAt: Date,
): ShardFile {
  const perBatch = Math.max(1, Math.floor(READ_BATCH_BYTES / (header.blockSize + CRC_SIZE)));

  // Frames `first` to `last`, in order, each with the outcome of its CRC check.
  async function* frames(first: number, last: number): AsyncGenerator<CheckedFrame> {
    for (let batchStart = first; batchStart <= last; batchStart += perBatch) {
      const batchEnd = Math.min(last, batchStart + perBatch - 1);
      const from = blockAt(header, batchStart).fileOffset;
      const to = frameEnd(blockAt(header, batchEnd));
      const bytes = await readAt(file, to - from, from);
      for (let index = batchStart; index <= batchEnd; index++) {
        const block = blockAt(header, index);
        const frame = bytes.subarray(block.fileOffset - from, frameEnd(block) - from);
        // A short frame (the file shrank under us) is as corrupt as a wrong CRC.
        const intact = frame.length === block.dataLength + CRC_SIZE && isFrameIntact(index, frame);
        yield { block, frame, intact };
      }
    }
  }

  let closing: Promise<void> | undefined;
  return {
    header,
    modifiedAt,
    async *read({ start, end }) {
      if (start === end) return;
      for await (const { block, frame, intact } of frames(
        blockIndexOf(header, start),
        blockIndexOf(header, end - 1),
      )) {
        if (!intact) throw shardCorrupt(shardId, block.index);
        const from = Math.max(start - block.dataOffset, 0);
        const to = Math.min(end - block.dataOffset, block.dataLength);
        yield frame.subarray(from, to);
      }
    },
    async findCorruptBlocks() {
      const corrupt: number[] = [];
      for await (const { block, intact } of frames(0, blockCount(header) - 1)) {
        if (!intact) corrupt.push(block.index);
      }
      return corrupt;
    },
    close: () => (closing ??= file.close()),
  };
}

function frameEnd(block: BlockLocation): number {
  return block.fileOffset + block.dataLength + CRC_SIZE;
}

async function openOrNotFound(path: string, shardId: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw shardNotFound(shardId);
    throw error;
  }
}

// Up to `length` bytes at `position`; fewer only at the end of the file.
async function readAt(file: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
