import { createSecretKey } from 'node:crypto';
import { S3Error } from '../s3-error.ts';
import type { AuthContext } from './auth-context.ts';
import { hmacSha256 } from './hmac-sha256.ts';
import { sha256Hex } from './sha256-hex.ts';
import { signaturesEqual } from './signatures-equal.ts';

const EMPTY_SHA256 = sha256Hex('');

/** The signing facts a streaming upload's chunk and trailer signatures build on. */
export type StreamingSigning = Pick<
  AuthContext,
  'signingKey' | 'scope' | 'amzDate' | 'seedSignature'
>;

/**
 * Verifies the signatures of an aws-chunked body in order. Each chunk's string to sign holds
 * the previous signature (the request's own for the first chunk), so chunks can be neither
 * reordered, dropped nor spliced from another upload, and the final zero-length chunk proves
 * the body was not cut short.
 */
export interface ChunkSignatureChain {
  /** Checks one chunk, given the hex SHA-256 of its data, and moves the chain on. */
  verifyChunk(dataSha256: string, signature: string | undefined): void;
  /** Checks `x-amz-trailer-signature` over the trailer fields, in the order received. */
  verifyTrailer(
    fields: readonly (readonly [string, string])[],
    signature: string | undefined,
  ): void;
}

export function createChunkSignatureChain(signing: StreamingSigning): ChunkSignatureChain {
  const key = createSecretKey(signing.signingKey);
  let previous = signing.seedSignature;
  let chunks = 0;
  const verify = (what: string, toSign: string, provided: string | undefined) => {
    const expected = hmacSha256(key, toSign).toString('hex');
    if (provided === undefined || !signaturesEqual(expected, provided)) {
      throw new S3Error(
        'SignatureDoesNotMatch',
        `The ${what} signature we calculated does not match the signature you provided.`,
        { fields: { StringToSign: toSign, SignatureProvided: provided ?? '' } },
      );
    }
    previous = expected;
  };
  const header = (algorithm: string) =>
    `${algorithm}\n${signing.amzDate}\n${signing.scope}\n${previous}\n`;
  return {
    verifyChunk(dataSha256, signature) {
      chunks += 1;
      const toSign = `${header('AWS4-HMAC-SHA256-PAYLOAD')}${EMPTY_SHA256}\n${dataSha256}`;
      verify(`chunk ${chunks}`, toSign, signature);
    },
    verifyTrailer(fields, signature) {
      const canonical = fields.map(([name, value]) => `${name}:${value}\n`).join('');
      verify('trailer', `${header('AWS4-HMAC-SHA256-TRAILER')}${sha256Hex(canonical)}`, signature);
    },
  };
}
