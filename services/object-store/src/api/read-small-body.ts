import { S3Error } from '../domain/s3-error.ts';
import { createPayloadHashVerifier } from '../domain/sigv4/index.ts';
import type { S3Call } from './s3-call.ts';

/**
 * Reads an XML request body (DeleteObjects, CompleteMultipartUpload, configurations) up to
 * `maxBytes`, refusing a longer one before buffering it. When the client signed the payload's
 * SHA-256, the body must be that one: otherwise anyone who captured a signed DeleteObjects
 * could replay it with other keys, since the signature covers only the announced hash.
 */
export async function readSmallBody(
  { request, auth }: Pick<S3Call, 'request' | 'auth'>,
  maxBytes: number,
): Promise<Buffer> {
  const raw = request.raw;
  const declared = Number(raw.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLong(maxBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw tooLong(maxBytes);
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (auth.payload.kind === 'signed') {
    const payloadHash = createPayloadHashVerifier(auth.payload.sha256);
    payloadHash.update(body);
    payloadHash.verify();
  }
  return body;
}

function tooLong(maxBytes: number): S3Error {
  return new S3Error(
    'MaxMessageLengthExceeded',
    `Your request was too big: this request body may be at most ${maxBytes} bytes.`,
  );
}
