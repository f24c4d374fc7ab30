import { Crc32c } from '@aws-crypto/crc32c';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHasher, createMultiHasher } from '../../src/domain/checksums/index.ts';
import type { HashName } from '../../src/domain/checksums/index.ts';

const CHECK_INPUT = Buffer.from('123456789');

function digestOf(name: HashName, ...chunks: Uint8Array[]): Buffer {
  const hasher = createHasher(name);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
}

describe('hashers', () => {
  it.each([
    // The CRC catalogue's check values over "123456789", and the FIPS/RFC vectors for "abc".
    ['CRC32', CHECK_INPUT, 'cbf43926'],
    ['CRC32C', CHECK_INPUT, 'e3069283'],
    ['MD5', Buffer.from('abc'), '900150983cd24fb0d6963f7d28e17f72'],
    ['SHA1', Buffer.from('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [
      'SHA256',
      Buffer.from('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ],
  ] as const)('%s gives the published digest', (name, input, hex) => {
    expect(digestOf(name, input).toString('hex')).toBe(hex);
  });

  it('produce the base64 forms S3 sends in x-amz-checksum-* and Content-MD5', () => {
    // From AWS's trailing-header example and the MD5 of the empty body every S3 user has seen.
    expect(digestOf('CRC32C', Buffer.alloc(66_560, 'a')).toString('base64')).toBe('sOO8/Q==');
    expect(digestOf('MD5').toString('base64')).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
    expect(digestOf('CRC32').toString('base64')).toBe('AAAAAA==');
  });

  it('give the same digest however the input is split (property)', () => {
    const names = fc.constantFrom<HashName>('CRC32', 'CRC32C', 'MD5', 'SHA1', 'SHA256');
    fc.assert(
      fc.property(
        names,
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat()),
        (name, data, cuts) => {
          const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort(
            (a, b) => a - b,
          );
          const pieces = [0, ...points].map((start, index) =>
            data.subarray(start, [...points, data.length][index]),
          );
          expect(digestOf(name, ...pieces).equals(digestOf(name, data))).toBe(true);
        },
      ),
    );
  });

  it('CRC32C agrees with @aws-crypto/crc32c, the implementation the AWS SDK checks with (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        const reference = Buffer.alloc(4);
        reference.writeUInt32BE(new Crc32c().update(data).digest());
        expect(digestOf('CRC32C', data).equals(reference)).toBe(true);
      }),
    );
  });

  it('a multi-hasher feeds every hash the same bytes', () => {
    const hashers = createMultiHasher(['MD5', 'CRC32']);
    hashers.update(Buffer.from('1234'));
    hashers.update(Buffer.from('56789'));
    const digests = hashers.digests();
    expect([...digests.keys()]).toEqual(['MD5', 'CRC32']);
    expect(digests.get('CRC32')?.toString('hex')).toBe('cbf43926');
    expect(digests.get('MD5')?.equals(digestOf('MD5', CHECK_INPUT))).toBe(true);
  });
});
