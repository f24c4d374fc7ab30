import { crc32 } from 'node:zlib';
import { blockChecksum, CRC_SIZE } from './block-checksum.ts';

/**
 * Cuts a stream of chunks of any size into frames: `blockSize` bytes of data followed by the
 * block's CRC. Holds at most one partial block, so writing a shard of any length needs
 * `blockSize` bytes of memory, not the shard's length.
 */
export interface BlockFramer {
  /** Takes the next chunk; returns the frames it completed, ready to be written in order. */
  push(chunk: Uint8Array): Buffer[];
  /** The last, shorter frame, if data is left over. */
  finish(): Buffer[];
  /** Data bytes pushed so far. */
  readonly length: number;
  /** CRC32 of all data pushed so far (plain, not per block): what the sender can compare. */
  readonly crc32: number;
}

export function createBlockFramer(blockSize: number): BlockFramer {
  let frame = Buffer.allocUnsafe(blockSize + CRC_SIZE);
  let filled = 0;
  let index = 0;
  let length = 0;
  let checksum = 0;

  const seal = (): Buffer => {
    const sealed = frame.subarray(0, filled + CRC_SIZE);
    sealed.writeUInt32BE(blockChecksum(index, frame.subarray(0, filled)), filled);
    index += 1;
    frame = Buffer.allocUnsafe(blockSize + CRC_SIZE);
    filled = 0;
    return sealed;
  };

  return {
    push(chunk) {
      const frames: Buffer[] = [];
      for (let offset = 0; offset < chunk.length;) {
        const taken = Math.min(blockSize - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + taken), filled);
        filled += taken;
        offset += taken;
        if (filled === blockSize) frames.push(seal());
      }
      length += chunk.length;
      checksum = crc32(chunk, checksum);
      return frames;
    },
    finish: () => (filled > 0 ? [seal()] : []),
    get length() {
      return length;
    },
    get crc32() {
      return checksum;
    },
  };
}
