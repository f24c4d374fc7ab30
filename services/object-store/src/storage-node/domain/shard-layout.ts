import { CRC_SIZE } from './block-checksum.ts';
import { HEADER_SIZE } from './shard-header.ts';
import type { ShardHeader } from './shard-header.ts';

/**
 * Where a shard's bytes sit in its file: the header, then block after block, each block's
 * data (`blockSize` bytes, the last one shorter) followed by its 4-byte CRC.
 * Block i starts at file offset HEADER_SIZE + i × (blockSize + 4).
 */
export interface BlockLocation {
  index: number;
  /** Offset of the block's first data byte in the shard (shard-data coordinates). */
  dataOffset: number;
  dataLength: number;
  /** Offset of the block's first data byte in the file. */
  fileOffset: number;
}

export function blockCount({ blockSize, length }: ShardHeader): number {
  return Math.ceil(length / blockSize);
}

export function fileSizeOf(header: ShardHeader): number {
  return HEADER_SIZE + header.length + CRC_SIZE * blockCount(header);
}

export function blockAt(header: ShardHeader, index: number): BlockLocation {
  const dataOffset = index * header.blockSize;
  return {
    index,
    dataOffset,
    dataLength: Math.min(header.blockSize, header.length - dataOffset),
    fileOffset: HEADER_SIZE + index * (header.blockSize + CRC_SIZE),
  };
}

/** Index of the block holding shard byte `offset`. */
export function blockIndexOf(header: ShardHeader, offset: number): number {
  return Math.floor(offset / header.blockSize);
}
