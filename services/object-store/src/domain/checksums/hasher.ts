import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import type { HashName } from './checksum-algorithm.ts';

/**
 * An incremental hash with nothing but `update` and `digest`, so the gateway can run one on the
 * request path or in a worker thread (MD5 is the slowest step of a PUT, about 0.6 GB/s per core).
 */
export interface Hasher {
  update(chunk: Uint8Array): void;
  /** The digest as raw big-endian bytes; base64 of it is the S3 header form. Call once. */
  digest(): Buffer;
}

/**
 * A hasher for `name`. MD5 and the SHAs are OpenSSL's; CRC32 is zlib's, CRC32C the
 * SIMD one of `@node-rs/crc32` (the pure-JS `@aws-crypto/crc32c` the AWS SDK uses runs at
 * about 60 MB/s, which would make CRC32C the bottleneck of every upload).
 */
export function createHasher(name: HashName): Hasher {
  switch (name) {
    case 'MD5':
      return nodeHasher('md5');
    case 'SHA1':
      return nodeHasher('sha1');
    case 'SHA256':
      return nodeHasher('sha256');
    case 'CRC32':
      return crcHasher(crc32);
    case 'CRC32C':
      return crcHasher(crc32c);
  }
}

function nodeHasher(algorithm: string): Hasher {
  const hash = createHash(algorithm);
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest(),
  };
}

type Crc = (data: Uint8Array, previous: number) => number;

function crcHasher(crc: Crc): Hasher {
  let value = 0;
  return {
    update: (chunk) => {
      value = crc(chunk, value);
    },
    digest: () => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value >>> 0);
      return bytes;
    },
  };
}
