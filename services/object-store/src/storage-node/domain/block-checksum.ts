import { crc32 } from 'node:zlib';

export const CRC_SIZE = 4;

/**
 * CRC32 of the block's index (u32, big-endian) followed by its data. Covering the index makes
 * the check position-dependent: a block the disk wrote or read at the wrong place (a
 * misdirected write) fails it just like a flipped bit does.
 */
export function blockChecksum(index: number, data: Uint8Array): number {
  const position = Buffer.alloc(4);
  position.writeUInt32BE(index);
  return crc32(data, crc32(position));
}

/** Whether a frame (block data followed by its stored CRC) still holds what was written. */
export function isFrameIntact(index: number, frame: Buffer): boolean {
  const dataLength = frame.length - CRC_SIZE;
  return blockChecksum(index, frame.subarray(0, dataLength)) === frame.readUInt32BE(dataLength);
}
