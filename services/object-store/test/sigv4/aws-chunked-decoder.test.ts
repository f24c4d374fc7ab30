import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAwsChunked, decodedContentLengthOf } from '../../src/adapters/aws-chunked/index.ts';
import type { AwsChunkedBody } from '../../src/adapters/aws-chunked/index.ts';
import { S3Error } from '../../src/domain/s3-error.ts';
import { verifyRequestSignature } from '../../src/domain/sigv4/index.ts';
import type { AuthContext } from '../../src/domain/sigv4/index.ts';
import {
  encodeAwsChunked,
  inPieces,
  pulledOneByOne,
  readAll,
} from './fixtures/aws-chunked-encoder.ts';
import {
  CHUNKED_PAYLOAD,
  CHUNKED_PUT,
  CHUNKED_SIGNATURES,
  TRAILER_CRC32C,
  TRAILER_PUT,
  TRAILER_SIGNATURE,
  TRAILER_SIGNATURES,
  documentedBody,
} from './fixtures/aws-chunked-example.ts';
import { exampleOptions } from './fixtures/aws-example.ts';

const signedAuth = verifyRequestSignature(CHUNKED_PUT, exampleOptions());
const trailerAuth = verifyRequestSignature(TRAILER_PUT, exampleOptions());
const unsignedTrailerAuth: AuthContext = {
  ...signedAuth,
  payload: { kind: 'streaming-unsigned-trailer' },
};
const DOC_TRAILER = `x-amz-checksum-crc32c:${TRAILER_CRC32C}\r\nx-amz-trailer-signature:${TRAILER_SIGNATURE}\r\n`;

function decode(
  auth: AuthContext,
  body: Buffer,
  cuts: number[] = [],
  length?: number,
): AwsChunkedBody {
  return decodeAwsChunked(inPieces(body, cuts), {
    auth,
    decodedContentLength: length ?? decodedContentLengthOf(CHUNKED_PUT.headers),
  });
}

async function failure(body: AwsChunkedBody): Promise<S3Error> {
  try {
    await readAll(body);
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('the body decoded without error');
}

const chunksOf = (sizes: number[]) =>
  sizes.map((size, index) => Buffer.alloc(size, 65 + (index % 26)));

describe("AWS's documented chunked uploads", () => {
  it('reproduces every published chunk signature from the seed (signed payload)', () => {
    const body = encodeAwsChunked(
      [CHUNKED_PAYLOAD.subarray(0, 65_536), CHUNKED_PAYLOAD.subarray(65_536)],
      {
        signing: signedAuth,
      },
    );
    expect(body.equals(documentedBody(CHUNKED_SIGNATURES))).toBe(true);
    expect(body.length).toBe(66_824);
  });

  it('decodes the documented signed body to its 66560 bytes', async () => {
    const body = decode(signedAuth, documentedBody(CHUNKED_SIGNATURES));
    expect((await readAll(body)).equals(CHUNKED_PAYLOAD)).toBe(true);
    expect(body.trailers().size).toBe(0);
  });

  it('decodes the documented signed-trailer body and verifies its trailer signature', async () => {
    const body = decode(trailerAuth, documentedBody(TRAILER_SIGNATURES, DOC_TRAILER));
    expect((await readAll(body)).equals(CHUNKED_PAYLOAD)).toBe(true);
    expect(body.trailers()).toEqual(new Map([['x-amz-checksum-crc32c', TRAILER_CRC32C]]));
  });

  it('refuses the documented body under the wrong seed (another request)', async () => {
    const error = await failure(
      decode(signedAuth, documentedBody(TRAILER_SIGNATURES, DOC_TRAILER)),
    );
    expect(error.code).toBe('SignatureDoesNotMatch');
  });
});

describe('aws-chunked framing under any network chunking', () => {
  it('decodes a small signed-trailer body split at every single position', async () => {
    const payload = chunksOf([9, 5, 1]);
    const trailers = [['x-amz-checksum-crc32', 'AAAAAA=='] as const];
    const body = encodeAwsChunked(payload, { signing: trailerAuth, trailers });
    for (let cut = 0; cut <= body.length; cut += 1) {
      const decoded = decode(trailerAuth, body, [cut], 15);
      expect((await readAll(decoded)).equals(Buffer.concat(payload))).toBe(true);
      expect(decoded.trailers().get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    }
  });

  it('decodes whatever the chunk sizes, the mode and the cuts (property)', async () => {
    const mode = fc.constantFrom(signedAuth, trailerAuth, unsignedTrailerAuth);
    await fc.assert(
      fc.asyncProperty(
        mode,
        fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (auth, sizes, cutSeeds) => {
          const payload = chunksOf(sizes);
          const trailers =
            auth.payload.kind === 'streaming-signed'
              ? undefined
              : [['x-amz-checksum-crc32', 'AAAAAA=='] as const];
          const signing = auth.payload.kind === 'streaming-unsigned-trailer' ? undefined : auth;
          const body = encodeAwsChunked(payload, { signing, trailers });
          const cuts = cutSeeds.map((seed) => seed % (body.length + 1));
          const decoded = decode(
            auth,
            body,
            cuts,
            sizes.reduce((a, b) => a + b, 0),
          );
          expect((await readAll(decoded)).equals(Buffer.concat(payload))).toBe(true);
          expect(decoded.trailers().size).toBe(trailers === undefined ? 0 : 1);
        },
      ),
    );
  });

  it('decodes the documented 66 KiB body cut at random places (property)', async () => {
    const body = documentedBody(TRAILER_SIGNATURES, DOC_TRAILER);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 40 }),
        async (cuts) => {
          expect((await readAll(decode(trailerAuth, body, cuts))).equals(CHUNKED_PAYLOAD)).toBe(
            true,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('pulls from the source only as fast as the consumer reads (bounded memory)', async () => {
    let pulled = 0;
    const piece = Buffer.alloc(64 * 1024, 'x');
    const sizes = Array.from({ length: 1024 }, () => piece.length); // a 64 MiB body
    function* source() {
      for (const size of sizes) {
        pulled += 1;
        yield Buffer.from(`${size.toString(16)}\r\n`);
        yield piece;
        yield Buffer.from('\r\n');
      }
      yield Buffer.from('0\r\n\r\n');
    }
    const body = decodeAwsChunked(pulledOneByOne(source()), {
      auth: unsignedTrailerAuth,
      decodedContentLength: 64 * 1024 * 1024,
    });
    let received = 0;
    for await (const bytes of body) {
      expect(bytes.length).toBeLessThanOrEqual(piece.length);
      received += bytes.length;
      // Never more than one chunk of the source ahead of what was handed out.
      expect(pulled * piece.length - received).toBeLessThanOrEqual(piece.length);
    }
    expect(received).toBe(64 * 1024 * 1024);
  });
});

describe('aws-chunked bodies that must be refused', () => {
  const body = documentedBody(CHUNKED_SIGNATURES);

  it('a changed byte of data: SignatureDoesNotMatch', async () => {
    const tampered = Buffer.from(body);
    tampered[1000] = 'b'.charCodeAt(0);
    expect((await failure(decode(signedAuth, tampered))).code).toBe('SignatureDoesNotMatch');
  });

  it('a changed chunk signature: SignatureDoesNotMatch naming the chunk', async () => {
    const tampered = Buffer.from(
      body.toString('latin1').replace(CHUNKED_SIGNATURES[1], 'f'.repeat(64)),
      'latin1',
    );
    const error = await failure(decode(signedAuth, tampered));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.message).toContain('chunk 2');
  });

  it('chunks in another order: SignatureDoesNotMatch', async () => {
    const [a, b] = chunksOf([20, 30]);
    const swapped = encodeAwsChunked([b!, a!], { signing: signedAuth });
    const original = encodeAwsChunked([a!, b!], { signing: signedAuth });
    // Keep the signatures of the original order but the data of the swapped one.
    const forged = Buffer.from(
      swapped.toString('latin1').replace(/chunk-signature=\w+/g, () => {
        const signatures = original.toString('latin1').match(/chunk-signature=\w+/g) ?? [];
        return signatures.shift() ?? '';
      }),
      'latin1',
    );
    expect((await failure(decode(signedAuth, forged, [], 50))).code).toBe('SignatureDoesNotMatch');
  });

  it('a chunk without chunk-signature in a signed mode: SignatureDoesNotMatch', async () => {
    const unsigned = encodeAwsChunked(chunksOf([10]));
    expect((await failure(decode(signedAuth, unsigned, [], 10))).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('a changed trailer value or a missing trailer signature: SignatureDoesNotMatch', async () => {
    const changed = documentedBody(
      TRAILER_SIGNATURES,
      DOC_TRAILER.replace(TRAILER_CRC32C, 'AAAAAA=='),
    );
    expect((await failure(decode(trailerAuth, changed))).code).toBe('SignatureDoesNotMatch');
    const unsignedTrailer = documentedBody(
      TRAILER_SIGNATURES,
      `x-amz-checksum-crc32c:${TRAILER_CRC32C}\r\n`,
    );
    expect((await failure(decode(trailerAuth, unsignedTrailer))).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('a body cut short anywhere: IncompleteBody', async () => {
    for (const end of [0, 10, 88, 40_000, 65_626, 66_700, body.length - 2, body.length - 1]) {
      const error = await failure(decode(signedAuth, body.subarray(0, end)));
      expect([end, error.code]).toEqual([end, 'IncompleteBody']);
    }
  });

  it('a payload longer or shorter than x-amz-decoded-content-length: IncompleteBody', async () => {
    expect((await failure(decode(signedAuth, body, [], 66_559))).code).toBe('IncompleteBody');
    expect((await failure(decode(signedAuth, body, [], 66_561))).code).toBe('IncompleteBody');
  });

  it.each([
    ['a size that is not hex', 'zz\r\nabc\r\n0\r\n\r\n'],
    ['data not followed by CRLF', '3\r\nabcdef\r\n0\r\n\r\n'],
    ['an endless chunk header', `${'1'.repeat(5000)}\r\n`],
    ['a trailer line without a colon', '3\r\nabc\r\n0\r\nnot-a-field\r\n\r\n'],
    [
      'a repeated trailer',
      '3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n',
    ],
    ['bytes after the end', '3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n'],
  ])('malformed framing (%s): InvalidArgument', async (_name, wire) => {
    const error = await failure(decode(unsignedTrailerAuth, Buffer.from(wire), [], 3));
    expect(error.code).toBe('InvalidArgument');
    expect(error.message).toMatch(/^aws-chunked framing: /);
  });

  it('trailer fields in the signed mode without trailers: InvalidArgument', async () => {
    const signed = encodeAwsChunked(chunksOf([4]), { signing: signedAuth });
    const withTrailer = Buffer.concat([
      signed.subarray(0, -2),
      Buffer.from('x-amz-checksum-crc32:AAAAAA==\r\n\r\n'),
    ]);
    const error = await failure(decode(signedAuth, withTrailer, [], 4));
    expect(error.code).toBe('InvalidArgument');
  });

  it('tolerates the extra CRLF and LF-only trailer lines some clients send', async () => {
    const wire = Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\n\r\n\r\n');
    const decoded = decode(unsignedTrailerAuth, wire, [], 3);
    expect((await readAll(decoded)).toString()).toBe('abc');
    expect(decoded.trailers().get('x-amz-checksum-crc32')).toBe('NSRBwg==');
  });

  it('x-amz-decoded-content-length: missing is MissingContentLength, junk is InvalidArgument', () => {
    expect(() => decodedContentLengthOf({})).toThrow(
      expect.objectContaining({ code: 'MissingContentLength' }),
    );
    expect(() => decodedContentLengthOf({ 'x-amz-decoded-content-length': '-1' })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });
});
