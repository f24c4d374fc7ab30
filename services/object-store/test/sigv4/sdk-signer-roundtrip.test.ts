import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyRequestSignature } from '../../src/domain/sigv4/index.ts';
import type { SignedRequest, VerifyOptions } from '../../src/domain/sigv4/index.ts';
import { EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET } from './fixtures/aws-example.ts';
import { SIGNING_DATE, presignWithSdk, sdkEscape, signWithSdk } from './fixtures/sdk-signer.ts';
import type { UnsignedRequest } from './fixtures/sdk-signer.ts';

/**
 * Requests signed by the AWS SDK's own signer (`@smithy/signature-v4`, configured as the S3
 * client configures it) must verify, whatever the key, query and headers.
 */
const options: VerifyOptions = {
  credentials: (id) => (id === EXAMPLE_ACCESS_KEY ? EXAMPLE_SECRET : undefined),
  now: SIGNING_DATE,
};
const UNSIGNED = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };

const SPECIAL = [
  ' ',
  '+',
  '~',
  '!',
  '*',
  '(',
  ')',
  "'",
  '%',
  '&',
  '=',
  '?',
  '#',
  '$',
  '@',
  ':',
  ',',
  ';',
  '[',
  ']',
];
const unit = fc.oneof(
  fc.constantFrom(...SPECIAL),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.constantFrom('a', 'Z', '0', '-', '_', '.'),
);
const segment = fc.string({ unit, minLength: 1, maxLength: 12 });
const keyArbitrary = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join('/'));
const queryValue = fc.string({ unit, maxLength: 10 });
const queryArbitrary = fc.dictionary(
  fc.string({ unit, minLength: 1, maxLength: 8 }).filter((name) => !name.startsWith('X-Amz-')),
  fc.oneof(queryValue, fc.array(queryValue, { minLength: 2, maxLength: 3 })),
  { maxKeys: 4 },
);
const headerValue = fc
  .string({ unit: fc.constantFrom('a', 'b', ' ', '  ', '\t', ',', '=', '"', 'x'), maxLength: 16 })
  .filter((value) => value.trim() !== '');
const metadataArbitrary = fc.dictionary(
  fc.stringMatching(/^[a-z0-9-]{1,10}$/).map((name) => `x-amz-meta-${name}`),
  headerValue,
  { maxKeys: 3 },
);

/** The same bytes, percent-encoded differently: lower-case hex, needless escapes of letters. */
function reencode(text: string, style: number): string {
  return Array.from(Buffer.from(text, 'utf8'))
    .map((byte, index) => {
      const char = String.fromCharCode(byte);
      const unreserved = /[A-Za-z0-9\-_.~]/.test(char);
      if (unreserved && (style + index) % 3 !== 0) return char;
      const hex = byte.toString(16).padStart(2, '0');
      return `%${(style + index) % 2 === 0 ? hex.toUpperCase() : hex}`;
    })
    .join('');
}

function reencodedQuery(query: Record<string, string | string[]>, style: number): string {
  return Object.entries(query)
    .flatMap(([name, value]) =>
      [value].flat().map((one) => `${reencode(name, style)}=${reencode(one, style + 1)}`),
    )
    .join('&');
}

const put = (
  key: string,
  query: Record<string, string | string[]>,
  metadata: Record<string, string>,
) =>
  ({
    method: 'PUT',
    path: `/bucket/${key.split('/').map(sdkEscape).join('/')}`,
    query,
    headers: { host: 'localhost:7200', ...UNSIGNED, ...metadata },
  }) satisfies UnsignedRequest;

describe('requests signed by the AWS SDK signer verify', () => {
  it.each([
    'photos/2024/cat one.jpg',
    'a+b=c&d',
    '~user/notes~.txt',
    'ünïcödé/日本語/😀.bin',
    "it's (really) *fine*!",
    '100% sure?#anchor',
    'trailing/slash/',
    'double//slash',
  ])('the key %j, in the header and presigned', async (key) => {
    const request = put(key, {}, {});
    expect(verifyRequestSignature(await signWithSdk(request), options).accessKeyId).toBe(
      EXAMPLE_ACCESS_KEY,
    );
    expect(verifyRequestSignature(await presignWithSdk(request, 60), options).presigned).toBe(true);
  });

  it('query parameters with empty values, repeated names and reserved characters', async () => {
    const request = put(
      'k',
      { uploads: '', 'list-type': '2', prefix: 'a b+c/ü', tag: ['z', 'a', ''], 'x~y': '~' },
      {},
    );
    expect(verifyRequestSignature(await signWithSdk(request), options).payload).toEqual({
      kind: 'unsigned',
    });
    expect(verifyRequestSignature(await presignWithSdk(request, 60), options).presigned).toBe(true);
  });

  it('header values with runs of spaces and tabs, which both sides collapse', async () => {
    const request = put('k', {}, { 'x-amz-meta-note': '  two  spaces\tand\t\ttabs  ' });
    const signed = await signWithSdk(request);
    expect(verifyRequestSignature(signed, options).accessKeyId).toBe(EXAMPLE_ACCESS_KEY);
  });

  it('a header sent twice, received as a list, signs as its values joined with commas', async () => {
    const signed = await signWithSdk(put('k', {}, { 'x-amz-meta-tags': 'red,green' }));
    const repeated: SignedRequest = {
      ...signed,
      headers: { ...signed.headers, 'x-amz-meta-tags': ['red', ' green'] },
    };
    expect(verifyRequestSignature(repeated, options).accessKeyId).toBe(EXAMPLE_ACCESS_KEY);
    const reordered: SignedRequest = {
      ...signed,
      headers: { ...signed.headers, 'x-amz-meta-tags': ['green', 'red'] },
    };
    expect(() => verifyRequestSignature(reordered, options)).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch' }),
    );
  });

  it('any key, query and metadata, in either form, however the query is percent-encoded (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        keyArbitrary,
        queryArbitrary,
        metadataArbitrary,
        fc.boolean(),
        fc.nat(5),
        async (key, query, metadata, presigned, style) => {
          const request = put(key, query, metadata);
          const signed = presigned
            ? await presignWithSdk(request, 300)
            : await signWithSdk(request);
          const authQuery = signed.rawQuery
            .split('&')
            .filter((part) => part.startsWith('X-Amz-') || part.startsWith('x-amz-'));
          const rawQuery = [reencodedQuery(query, style), ...authQuery]
            .filter((part) => part !== '')
            .join('&');
          const auth = verifyRequestSignature({ ...signed, rawQuery }, options);
          expect(auth).toMatchObject({ accessKeyId: EXAMPLE_ACCESS_KEY, presigned });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('but not once any byte of the key changes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(keyArbitrary, segment, async (key, other) => {
        fc.pre(key !== other);
        const signed = await signWithSdk(put(key, {}, {}));
        const moved = {
          ...signed,
          rawPath: `/bucket/${other.split('/').map(sdkEscape).join('/')}`,
        };
        expect(() => verifyRequestSignature(moved, options)).toThrow(
          expect.objectContaining({ code: 'SignatureDoesNotMatch' }),
        );
      }),
      { numRuns: 100 },
    );
  });
});
