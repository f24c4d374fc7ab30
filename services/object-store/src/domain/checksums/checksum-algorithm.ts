/**
 * The additional checksums S3 accepts in `x-amz-checksum-<name>` headers and trailers, with the
 * size of each digest. S3 sends and expects every one of them as base64 of the big-endian digest.
 */
export const CHECKSUM_ALGORITHMS = {
  CRC32: { header: 'x-amz-checksum-crc32', bytes: 4 },
  CRC32C: { header: 'x-amz-checksum-crc32c', bytes: 4 },
  SHA1: { header: 'x-amz-checksum-sha1', bytes: 20 },
  SHA256: { header: 'x-amz-checksum-sha256', bytes: 32 },
} as const;

export type ChecksumAlgorithm = keyof typeof CHECKSUM_ALGORITHMS;

/** Every hash a body may be run through: the checksums plus MD5 (Content-MD5 and the ETag). */
export type HashName = ChecksumAlgorithm | 'MD5';

/**
 * S3 also defines CRC64NVME. It is recognised so a client using it gets a clear "not supported"
 * rather than having its checksum silently ignored.
 */
export const UNSUPPORTED_CHECKSUM_HEADERS: ReadonlySet<string> = new Set([
  'x-amz-checksum-crc64nvme',
]);

/** The algorithm whose checksum travels in the header or trailer `name`, if any. */
export function checksumAlgorithmOf(name: string): ChecksumAlgorithm | undefined {
  const lower = name.toLowerCase();
  for (const [algorithm, { header }] of Object.entries(CHECKSUM_ALGORITHMS)) {
    if (header === lower) return algorithm as ChecksumAlgorithm;
  }
  return undefined;
}
