import { createHasher } from '../checksums/hasher.ts';
import { S3Error } from '../s3-error.ts';

/** Hashes a signed body as it streams past; `verify` at the end, before anything is committed. */
export interface PayloadHashVerifier {
  update(chunk: Uint8Array): void;
  /** Throws XAmzContentSHA256Mismatch when the body is not the one that was signed. */
  verify(): void;
}

/**
 * For the `signed` payload mode: the signature covered `x-amz-content-sha256`, so only a body
 * with that SHA-256 is the one the client signed. The hash can only be known at the end, which
 * is why the gateway streams first and commits after `verify`.
 */
export function createPayloadHashVerifier(expectedSha256: string): PayloadHashVerifier {
  const hasher = createHasher('SHA256');
  return {
    update: (chunk) => hasher.update(chunk),
    verify: () => checkPayloadSha256(expectedSha256, hasher.digest()),
  };
}

/** Throws XAmzContentSHA256Mismatch unless `digest` is the SHA-256 the client signed. */
export function checkPayloadSha256(expectedSha256: string, digest: Buffer): void {
  const computed = digest.toString('hex');
  if (computed === expectedSha256.toLowerCase()) return;
  throw new S3Error(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    { fields: { ClientComputedContentSHA256: expectedSha256, S3ComputedContentSHA256: computed } },
  );
}
