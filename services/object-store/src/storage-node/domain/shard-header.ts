import { crc32 } from 'node:zlib';

/**
 * The header at the start of every shard file, big-endian:
 *
 * | offset | size | field                                  |
 * | ------ | ---- | -------------------------------------- |
 * | 0      | 4    | magic `SHRD`                           |
 * | 4      | 4    | format version (1)                     |
 * | 8      | 4    | block size in bytes                    |
 * | 12     | 8    | shard length: data bytes, without CRCs |
 * | 20     | 4    | CRC32 of bytes 0 to 19                 |
 *
 * The block size lives in each file, so changing BLOCK_SIZE leaves older shards readable.
 */
export interface ShardHeader {
  blockSize: number;
  length: number;
}

export const HEADER_SIZE = 24;
export const FORMAT_VERSION = 1;
const MAGIC = Buffer.from('SHRD', 'ascii');

export function encodeHeader({ blockSize, length }: ShardHeader): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(FORMAT_VERSION, 4);
  header.writeUInt32BE(blockSize, 8);
  header.writeBigUInt64BE(BigInt(length), 12);
  header.writeUInt32BE(crc32(header.subarray(0, 20)), 20);
  return header;
}

/** The header in `bytes`, or undefined when it is not one this version wrote intact. */
export function decodeHeader(bytes: Buffer): ShardHeader | undefined {
  if (bytes.length < HEADER_SIZE) return undefined;
  if (!bytes.subarray(0, 4).equals(MAGIC)) return undefined;
  if (crc32(bytes.subarray(0, 20)) !== bytes.readUInt32BE(20)) return undefined;
  if (bytes.readUInt32BE(4) !== FORMAT_VERSION) return undefined;
  const blockSize = bytes.readUInt32BE(8);
  const length = bytes.readBigUInt64BE(12);
  if (blockSize === 0 || length > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { blockSize, length: Number(length) };
}
