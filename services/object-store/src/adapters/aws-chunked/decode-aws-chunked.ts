import { createHash } from 'node:crypto';
import { S3Error } from '../../domain/s3-error.ts';
import type { AuthContext } from '../../domain/sigv4/auth-context.ts';
import { createChunkSignatureChain } from '../../domain/sigv4/chunk-signature-chain.ts';
import type { ChunkSignatureChain } from '../../domain/sigv4/chunk-signature-chain.ts';
import { isStreaming } from '../../domain/sigv4/payload-mode.ts';
import type { PayloadMode } from '../../domain/sigv4/payload-mode.ts';
import { ByteReader } from './byte-reader.ts';
import { clip, parseChunkHeader } from './chunk-header.ts';

export interface AwsChunkedOptions {
  /** From `verifyRequestSignature`; its payload mode must be one of the streaming ones. */
  readonly auth: AuthContext;
  /** From `decodedContentLengthOf(headers)`. */
  readonly decodedContentLength: number;
}

/** The decoded payload, read once, and the trailer fields that follow it. */
export interface AwsChunkedBody extends AsyncIterable<Buffer> {
  /**
   * Trailer fields by lower-case name (e.g. `x-amz-checksum-crc32`), without the trailer
   * signature. Known only once the body has been read to its end.
   */
  trailers(): ReadonlyMap<string, string>;
}

/** A chunk header is about 90 bytes; a trailer line about 100. */
const MAX_LINE_BYTES = 4096;
const MAX_TRAILER_FIELDS = 16;
/** Some clients end the body with one CRLF too many; more than that is not a stray newline. */
const MAX_TRAILING_NEWLINE_BYTES = 4;
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
const CR = 0x0d;
const LF = 0x0a;

/**
 * Decodes a `Content-Encoding: aws-chunked` body:
 *
 *     <hex size>[;chunk-signature=<sig>]\r\n <data> \r\n   …repeated…
 *     0[;chunk-signature=<sig>]\r\n [<trailer>:<value>\r\n …] [x-amz-trailer-signature:<sig>\r\n] \r\n
 *
 * It verifies every chunk signature (signed modes) and the trailer signature (signed-trailer
 * mode), checks the payload length against `x-amz-decoded-content-length`, and yields the
 * payload as it arrives, so memory stays at one network buffer whatever the object's size.
 *
 * An async generator rather than a Transform stream: it is pulled, so the consumer's pace is
 * the socket's pace with no highWaterMark to tune; the framing reads top to bottom like its
 * grammar; and a failure is an exception at the exact point, which `for await` and
 * `stream.pipeline` both propagate. Bytes of a chunk are yielded before that chunk's signature
 * can be checked (at its end), so the consumer must commit nothing until iteration completes,
 * the same rule as for checksums. On failure the source is left unread, so the caller can still
 * answer the S3 error on the same connection.
 */
export function decodeAwsChunked(
  source: AsyncIterable<Uint8Array>,
  options: AwsChunkedOptions,
): AwsChunkedBody {
  const { auth, decodedContentLength } = options;
  if (!isStreaming(auth.payload)) {
    throw new Error(`decodeAwsChunked needs a streaming payload mode, not ${auth.payload.kind}`);
  }
  const mode = auth.payload.kind;
  const signed = mode === 'streaming-signed' || mode === 'streaming-signed-trailer';
  const chain = signed ? createChunkSignatureChain(auth) : undefined;
  let trailers: ReadonlyMap<string, string> | undefined;
  let started = false;

  async function* decode(): AsyncGenerator<Buffer, void> {
    const reader = new ByteReader(source);
    yield* payload(reader, decodedContentLength, chain);
    const fields = await trailerFields(reader);
    trailers = verifiedTrailers(fields, mode, chain);
    await expectEnd(reader);
  }

  return {
    [Symbol.asyncIterator]() {
      if (started) throw new Error('an aws-chunked body can be read only once');
      started = true;
      return decode();
    },
    trailers() {
      if (trailers === undefined) {
        throw new Error('the trailers are known once the body has been read to its end');
      }
      return trailers;
    },
  };
}

async function* payload(
  reader: ByteReader,
  declared: number,
  chain: ChunkSignatureChain | undefined,
): AsyncGenerator<Buffer, void> {
  let received = 0;
  for (;;) {
    const header = parseChunkHeader(await nextLine(reader, 'a chunk header'));
    if (received + header.size > declared) {
      throw new S3Error(
        'IncompleteBody',
        `The aws-chunked body carries more than x-amz-decoded-content-length (${declared}) bytes.`,
      );
    }
    const hash = chain === undefined ? undefined : createHash('sha256');
    for (let remaining = header.size; remaining > 0;) {
      const bytes = await reader.read(remaining);
      if (bytes === undefined) throw truncated();
      hash?.update(bytes);
      remaining -= bytes.length;
      yield bytes;
    }
    received += header.size;
    if (chain !== undefined && hash !== undefined) {
      chain.verifyChunk(hash.digest('hex'), header.signature);
    }
    if (header.size === 0) break;
    const end = await nextLine(reader, 'the end of a chunk');
    if (end !== '') throw malformed(`chunk data must be followed by CRLF, found "${clip(end)}"`);
  }
  if (received !== declared) {
    throw new S3Error(
      'IncompleteBody',
      `The aws-chunked body carries ${received} bytes, not x-amz-decoded-content-length (${declared}).`,
    );
  }
}

/** The lines after the final chunk, up to the empty line, as [name as sent, value] pairs. */
async function trailerFields(reader: ByteReader): Promise<[string, string][]> {
  const fields: [string, string][] = [];
  for (;;) {
    const line = await nextLine(reader, 'the trailer');
    if (line === '') return fields;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`"${clip(line)}" is not a trailer field`);
    if (fields.length === MAX_TRAILER_FIELDS) throw malformed('too many trailer fields');
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
}

function verifiedTrailers(
  fields: [string, string][],
  mode: PayloadMode['kind'],
  chain: ChunkSignatureChain | undefined,
): ReadonlyMap<string, string> {
  if (mode === 'streaming-signed' && fields.length > 0) {
    throw malformed(
      'trailer fields need x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    );
  }
  let checked = fields;
  if (mode === 'streaming-signed-trailer' && chain !== undefined) {
    // The signature is the last field and signs the ones before it.
    const last = fields.at(-1);
    const signature = last?.[0].toLowerCase() === TRAILER_SIGNATURE ? last[1] : undefined;
    checked = signature === undefined ? fields : fields.slice(0, -1);
    chain.verifyTrailer(checked, signature);
  }
  const trailers = new Map<string, string>();
  for (const [name, value] of checked) {
    const key = name.toLowerCase();
    if (trailers.has(key)) throw malformed(`the trailer ${key} appears twice`);
    trailers.set(key, value);
  }
  return trailers;
}

async function expectEnd(reader: ByteReader): Promise<void> {
  let extra = 0;
  let bytes = await reader.read(MAX_TRAILING_NEWLINE_BYTES);
  while (bytes !== undefined) {
    extra += bytes.length;
    if (extra > MAX_TRAILING_NEWLINE_BYTES || bytes.some((byte) => byte !== CR && byte !== LF)) {
      throw malformed('bytes follow the end of the aws-chunked body');
    }
    bytes = await reader.read(MAX_TRAILING_NEWLINE_BYTES);
  }
}

async function nextLine(reader: ByteReader, what: string): Promise<string> {
  const line = await reader.readLine(MAX_LINE_BYTES);
  if (line === undefined) throw truncated(what);
  return line;
}

function truncated(what = 'chunk data'): S3Error {
  return new S3Error(
    'IncompleteBody',
    `The request body ended before its aws-chunked framing did (expected ${what}).`,
  );
}

function malformed(detail: string): S3Error {
  return new S3Error('InvalidArgument', `aws-chunked framing: ${detail}.`);
}
