import type { IncomingMessage } from 'node:http';
import { S3Error } from '../domain/s3-error.ts';

/**
 * Reads an XML request body (DeleteObjects, CompleteMultipartUpload, configurations) up to
 * `maxBytes`, refusing a longer one before buffering it.
 */
export async function readSmallBody(raw: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(raw.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLong(maxBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw tooLong(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLong(maxBytes: number): S3Error {
  return new S3Error(
    'MaxMessageLengthExceeded',
    `Your request was too big: this request body may be at most ${maxBytes} bytes.`,
  );
}
