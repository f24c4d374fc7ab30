import type { IncomingMessage } from 'node:http';
import { decodeAwsChunked, decodedContentLengthOf } from '../adapters/aws-chunked/index.ts';
import type { AwsChunkedBody } from '../adapters/aws-chunked/index.ts';
import { sharedHashPool } from '../adapters/hash-worker/index.ts';
import type { HashPool } from '../adapters/hash-worker/index.ts';
import { checkChecksums, planChecksums } from '../domain/checksums/index.ts';
import type { HashName, VerifiedChecksum } from '../domain/checksums/index.ts';
import { S3Error } from '../domain/s3-error.ts';
import { checkPayloadSha256, isStreaming } from '../domain/sigv4/index.ts';
import type { AuthContext, RequestHeaders } from '../domain/sigv4/index.ts';
import { headerValue } from '../domain/sigv4/request-headers.ts';

export interface ReceivedBody {
  /** The payload bytes, decoded; iterate once. */
  source: AsyncIterable<Uint8Array>;
  /**
   * After `source` is drained: checks length, signature hash and checksums (throwing the S3
   * error) and returns what was received. Call before committing anything.
   */
  finish(): Promise<ReceivedFacts>;
}

export interface ReceivedFacts {
  size: number;
  md5Hex: string;
  checksum: VerifiedChecksum | undefined;
}

/**
 * The body of a PUT or UploadPart as the store receives it: aws-chunked decoding when the
 * client streams, then every byte flows on to the storage nodes while a copy is hashed on a
 * thread of `hashPool`: MD5 (the ETag), any checksum the client sent, and the SHA-256 it
 * signed, all in one pass. Header problems fail here, before a byte is stored.
 */
export function receiveBody(
  raw: IncomingMessage,
  headers: RequestHeaders,
  auth: AuthContext,
  maxSize: number,
  hashPool: HashPool = sharedHashPool(),
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
  const signedSha256 = auth.payload.kind === 'signed' ? auth.payload.sha256 : undefined;
  // One SHA-256 serves both the signature and an x-amz-checksum-sha256.
  const names = new Set<HashName>(['MD5', ...plan.hashes]);
  if (signedSha256 !== undefined) names.add('SHA256');
  let size = 0;
  let digests: Promise<ReadonlyMap<HashName, Buffer>> | undefined;

  async function* tap(): AsyncGenerator<Uint8Array> {
    // Opened when the body is first read, so a body never read holds nothing on the thread.
    const hashes = hashPool.open(names);
    try {
      for await (const chunk of decoded ?? (raw as AsyncIterable<Buffer>)) {
        await hashes.update(chunk); // waits only when the thread has fallen behind
        size += chunk.length;
        yield chunk;
      }
      digests = hashes.digests();
      // Surfaced by finish(); the upload may fail before anyone asks.
      digests.catch(() => undefined);
    } finally {
      if (digests === undefined) hashes.abort();
    }
  }

  return {
    source: tap(),
    async finish() {
      if (size !== declaredSize || digests === undefined) {
        throw new S3Error(
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header.',
        );
      }
      const received = await digests;
      if (signedSha256 !== undefined) checkPayloadSha256(signedSha256, received.get('SHA256')!);
      const checksum = checkChecksums(plan, received, decoded?.trailers());
      return { size, md5Hex: received.get('MD5')!.toString('hex'), checksum };
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
