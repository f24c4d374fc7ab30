import { S3Error } from '../s3-error.ts';

/**
 * How the body relates to the signature, from `x-amz-content-sha256`:
 * - `unsigned`: the signature covers no body bytes (`UNSIGNED-PAYLOAD`, and every presigned URL);
 * - `signed`: the body's SHA-256 is signed; the gateway checks it before committing;
 * - `streaming-*`: the body is `aws-chunked`; each chunk is signed (`streaming-signed`),
 *   and/or it ends with trailer fields (checksums), signed or not.
 */
export type PayloadMode =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'signed'; readonly sha256: string }
  | { readonly kind: 'streaming-signed' }
  | { readonly kind: 'streaming-signed-trailer' }
  | { readonly kind: 'streaming-unsigned-trailer' };

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const LITERALS: Readonly<Record<string, PayloadMode>> = {
  [UNSIGNED_PAYLOAD]: { kind: 'unsigned' },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { kind: 'streaming-signed' },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { kind: 'streaming-signed-trailer' },
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { kind: 'streaming-unsigned-trailer' },
};

/** The payload mode an `x-amz-content-sha256` value announces. */
export function payloadModeOf(value: string): PayloadMode {
  const literal = LITERALS[value];
  if (literal !== undefined) return literal;
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { kind: 'signed', sha256: value.toLowerCase() };
  if (value.startsWith('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD')) {
    throw new S3Error('NotImplemented', 'Signature Version 4A (ECDSA) is not supported.');
  }
  throw new S3Error(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value.',
    { fields: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value } },
  );
}

/** Whether the body arrives `aws-chunked` and must go through the chunk decoder. */
export function isStreaming(payload: PayloadMode): boolean {
  return payload.kind.startsWith('streaming-');
}
