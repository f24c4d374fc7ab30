import type { IncomingMessage } from 'node:http';
import { decodeAwsChunked, decodedContentLengthOf } from '../adapters/aws-chunked/index.ts';
import type { AwsChunkedBody } from '../adapters/aws-chunked/index.ts';
import { checkChecksums, createMultiHasher, planChecksums } from '../domain/checksums/index.ts';
import type { VerifiedChecksum } from '../domain/checksums/index.ts';
import { S3Error } from '../domain/s3-error.ts';
import { createPayloadHashVerifier, isStreaming } from '../domain/sigv4/index.ts';
import type { AuthContext, RequestHeaders } from '../domain/sigv4/index.ts';
import { headerValue } from '../domain/sigv4/request-headers.ts';

export interface ReceivedBody {
  /** The payload bytes, decoded; iterate once. */
  source: AsyncIterable<Uint8Array>;
  /**
   * After `source` is drained: checks length, signature hash and checksums (throwing the S3
   * error) and returns what was received. Call before committing anything.
   */
  finish(): ReceivedFacts;
}

export interface ReceivedFacts {
  size: number;
  md5Hex: string;
  checksum: VerifiedChecksum | undefined;
}

/**
 * The body of a PUT or UploadPart as the store receives it: aws-chunked decoding when the
 * client streams, the signed SHA-256 when it signed the payload, MD5 (the ETag) and any
 * checksum the client sent, all in one pass as the bytes flow on to the storage nodes. Header
 * problems fail here, before a byte is stored.
 */
export function receiveBody(
  raw: IncomingMessage,
  headers: RequestHeaders,
  auth: AuthContext,
  maxSize: number,
): ReceivedBody {
  const plan = planChecksums(headers);
  const declaredSize = declaredSizeOf(headers, auth);
  if (declaredSize > maxSize) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.', {
      fields: { ProposedSize: String(declaredSize), MaxSizeAllowed: String(maxSize) },
    });
  }
  const decoded: AwsChunkedBody | undefined = isStreaming(auth.payload)
    ? decodeAwsChunked(raw, { auth, decodedContentLength: declaredSize })
    : undefined;
  const hashes = createMultiHasher(new Set(['MD5' as const, ...plan.hashes]));
  const payloadHash =
    auth.payload.kind === 'signed' ? createPayloadHashVerifier(auth.payload.sha256) : undefined;
  let size = 0;

  async function* tap(): AsyncGenerator<Uint8Array> {
    for await (const chunk of decoded ?? (raw as AsyncIterable<Buffer>)) {
      hashes.update(chunk);
      payloadHash?.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }

  return {
    source: tap(),
    finish() {
      if (size !== declaredSize) {
        throw new S3Error(
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header.',
        );
      }
      payloadHash?.verify();
      const digests = hashes.digests();
      const checksum = checkChecksums(plan, digests, decoded?.trailers());
      return { size, md5Hex: digests.get('MD5')!.toString('hex'), checksum };
    },
  };
}

/** The payload length the client announced; S3 requires one (no bare chunked uploads). */
function declaredSizeOf(headers: RequestHeaders, auth: AuthContext): number {
  if (isStreaming(auth.payload)) return decodedContentLengthOf(headers);
  const contentLength = headerValue(headers, 'content-length');
  if (contentLength === undefined || !/^\d+$/.test(contentLength)) {
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  return Number(contentLength);
}
