import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockChecksum,
  CRC_SIZE,
  isFrameIntact,
} from '../../src/storage-node/domain/block-checksum.ts';
import { createBlockFramer } from '../../src/storage-node/domain/block-framer.ts';
import {
  decodeHeader,
  encodeHeader,
  HEADER_SIZE,
} from '../../src/storage-node/domain/shard-header.ts';
import { blockAt, blockCount, fileSizeOf } from '../../src/storage-node/domain/shard-layout.ts';

const data = fc.uint8Array({ minLength: 0, maxLength: 3000 });
const blockSize = fc.integer({ min: 1, max: 700 });

/** Frames `bytes` pushed in chunks cut at `cuts`. */
function frame(bytes: Uint8Array, size: number, cuts: number[]) {
  const framer = createBlockFramer(size);
  const frames: Buffer[] = [];
  let from = 0;
  for (const cut of [
    ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b),
    bytes.length,
  ]) {
    frames.push(...framer.push(bytes.subarray(from, Math.max(from, cut))));
    from = Math.max(from, cut);
  }
  frames.push(...framer.finish());
  return { frames, framer };
}

describe('block framer', () => {
  it('cuts any chunking into blockSize frames, each with the CRC of its index and data', () => {
    fc.assert(
      fc.property(data, blockSize, fc.array(fc.nat()), (bytes, size, cuts) => {
        const { frames, framer } = frame(bytes, size, cuts);
        const header = { blockSize: size, length: bytes.length };
        expect(frames).toHaveLength(blockCount(header));
        frames.forEach((f, index) => {
          const block = blockAt(header, index);
          expect(f.subarray(0, -CRC_SIZE)).toEqual(
            Buffer.from(bytes.subarray(block.dataOffset, block.dataOffset + block.dataLength)),
          );
          expect(isFrameIntact(index, f)).toBe(true);
        });
        expect(framer.length).toBe(bytes.length);
        expect(framer.crc32).toBe(crc32(bytes));
        const onDisk = HEADER_SIZE + frames.reduce((sum, f) => sum + f.length, 0);
        expect(onDisk).toBe(fileSizeOf(header));
      }),
    );
  });

  it('detects any flipped bit in a frame, data or CRC', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, index, at, bit) => {
          const framed = Buffer.concat([bytes, Buffer.alloc(CRC_SIZE)]);
          framed.writeUInt32BE(blockChecksum(index, bytes), bytes.length);
          framed[at % framed.length]! ^= 1 << bit;
          expect(isFrameIntact(index, framed)).toBe(false);
        },
      ),
    );
  });

  it('detects a block read back at another position (a misdirected write)', () => {
    const block = Buffer.alloc(64, 7);
    const { frames } = frame(Buffer.concat([block, block]), 64, []);
    expect(frames[0]!.subarray(0, 64)).toEqual(frames[1]!.subarray(0, 64));
    expect(isFrameIntact(1, frames[0]!)).toBe(false);
    expect(isFrameIntact(0, frames[1]!)).toBe(false);
  });
});

describe('shard header', () => {
  it('round-trips and takes 24 bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (size, length) => {
          const header = encodeHeader({ blockSize: size, length });
          expect(header).toHaveLength(24);
          expect(decodeHeader(header)).toEqual({ blockSize: size, length });
        },
      ),
    );
  });

  it('starts with the magic and version, and rejects any damaged byte', () => {
    const header = encodeHeader({ blockSize: 65536, length: 1000 });
    expect(header.subarray(0, 8)).toEqual(Buffer.from([0x53, 0x48, 0x52, 0x44, 0, 0, 0, 1]));
    for (let at = 0; at < HEADER_SIZE; at++) {
      const damaged = Buffer.from(header);
      damaged[at]! ^= 0x01;
      expect(decodeHeader(damaged)).toBeUndefined();
    }
    expect(decodeHeader(header.subarray(0, 20))).toBeUndefined();
  });
});
