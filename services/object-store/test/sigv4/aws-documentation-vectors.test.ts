import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/domain/s3-error.ts';
import { verifyRequestSignature } from '../../src/domain/sigv4/index.ts';
import type { SignedRequest } from '../../src/domain/sigv4/index.ts';
import {
  EMPTY_SHA256,
  EXAMPLE_ACCESS_KEY,
  EXAMPLE_DATE,
  EXAMPLE_SCOPE,
  GET_LIFECYCLE,
  GET_OBJECT,
  LIST_OBJECTS,
  PRESIGNED_GET,
  PUT_OBJECT,
  exampleOptions,
} from './fixtures/aws-example.ts';

/** The S3Error a verification throws; fails the test when it passes instead. */
function rejection(request: SignedRequest): S3Error {
  try {
    verifyRequestSignature(request, exampleOptions());
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

function withSignature(request: SignedRequest, signature: string): SignedRequest {
  const authorization = String(request.headers.authorization).replace(
    /Signature=\w+/,
    `Signature=${signature}`,
  );
  return { ...request, headers: { ...request.headers, authorization } };
}

describe("AWS's published SigV4 examples for S3", () => {
  it.each([
    ['GET Object', GET_OBJECT, 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'],
    ['PUT Object', PUT_OBJECT, '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'],
    [
      'GET Bucket Lifecycle',
      GET_LIFECYCLE,
      'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    ],
    [
      'GET Bucket (List Objects)',
      LIST_OBJECTS,
      '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    ],
  ])('accepts the documented %s request and reports who signed it', (_name, request, signature) => {
    const auth = verifyRequestSignature(request, exampleOptions());
    expect(auth).toMatchObject({
      accessKeyId: EXAMPLE_ACCESS_KEY,
      region: 'us-east-1',
      scope: EXAMPLE_SCOPE,
      amzDate: EXAMPLE_DATE,
      seedSignature: signature,
      presigned: false,
    });
  });

  it('builds the documented canonical request and string to sign for GET Object', () => {
    const error = rejection(withSignature(GET_OBJECT, '0'.repeat(64)));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.fields.CanonicalRequest).toBe(
      [
        'GET',
        '/test.txt',
        '',
        'host:examplebucket.s3.amazonaws.com',
        'range:bytes=0-9',
        `x-amz-content-sha256:${EMPTY_SHA256}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        EMPTY_SHA256,
      ].join('\n'),
    );
    expect(error.fields.StringToSign).toBe(
      `AWS4-HMAC-SHA256\n${EXAMPLE_DATE}\n${EXAMPLE_SCOPE}\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972`,
    );
  });

  it('reports the payload modes of the examples: a signed hash for PUT, the empty hash for GET', () => {
    expect(verifyRequestSignature(PUT_OBJECT, exampleOptions()).payload).toEqual({
      kind: 'signed',
      sha256: '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    });
    expect(verifyRequestSignature(GET_OBJECT, exampleOptions()).payload).toEqual({
      kind: 'signed',
      sha256: EMPTY_SHA256,
    });
  });

  it('accepts the documented presigned URL within its 24 hours, as an unsigned payload', () => {
    const late = exampleOptions({ now: new Date('2013-05-24T23:59:59Z') });
    const auth = verifyRequestSignature(PRESIGNED_GET, late);
    expect(auth).toMatchObject({
      accessKeyId: EXAMPLE_ACCESS_KEY,
      presigned: true,
      payload: { kind: 'unsigned' },
      seedSignature: 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    });
  });

  it('builds the documented canonical request for the presigned URL', () => {
    const tampered = {
      ...PRESIGNED_GET,
      rawQuery: PRESIGNED_GET.rawQuery.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`),
    };
    const error = rejection(tampered);
    expect(error.fields.StringToSign?.split('\n').at(-1)).toBe(
      '3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04',
    );
    expect(error.fields.CanonicalRequest).toContain(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n',
    );
    expect(error.fields.CanonicalRequest?.endsWith('\nhost\nUNSIGNED-PAYLOAD')).toBe(true);
  });
});
