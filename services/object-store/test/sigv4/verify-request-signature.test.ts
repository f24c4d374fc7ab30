import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/domain/s3-error.ts';
import { verifyRequestSignature } from '../../src/domain/sigv4/index.ts';
import type { SignedRequest, VerifyOptions } from '../../src/domain/sigv4/index.ts';
import { EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET } from './fixtures/aws-example.ts';
import { SIGNING_DATE, presignWithSdk, signWithSdk } from './fixtures/sdk-signer.ts';
import type { UnsignedRequest } from './fixtures/sdk-signer.ts';

const BODY = 'a cat picture';
const PUT: UnsignedRequest = {
  method: 'PUT',
  path: '/photos/cats/tabby%20one.jpg',
  query: {},
  headers: {
    host: 'localhost:7200',
    'x-amz-content-sha256': createHash('sha256').update(BODY).digest('hex'),
    'x-amz-meta-owner': 'ada',
  },
};
const GET: UnsignedRequest = {
  method: 'GET',
  path: '/photos/cats/tabby%20one.jpg',
  headers: { host: 'localhost:7200' },
};

const minutes = (count: number) => count * 60_000;
const at = (offsetMs: number) => new Date(SIGNING_DATE.getTime() + offsetMs);

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    credentials: (id) => (id === EXAMPLE_ACCESS_KEY ? EXAMPLE_SECRET : undefined),
    now: at(minutes(1)),
    ...overrides,
  };
}

function rejection(request: SignedRequest, overrides: Partial<VerifyOptions> = {}): S3Error {
  try {
    verifyRequestSignature(request, options(overrides));
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

const withHeaders = (
  request: SignedRequest,
  headers: Record<string, string | undefined>,
): SignedRequest => ({
  ...request,
  headers: { ...request.headers, ...headers },
});
const editAuthorization = (request: SignedRequest, edit: (value: string) => string) =>
  withHeaders(request, { authorization: edit(String(request.headers.authorization)) });
const editQuery = (request: SignedRequest, edit: (value: string) => string): SignedRequest => ({
  ...request,
  rawQuery: edit(request.rawQuery),
});

describe('verifyRequestSignature accepts', () => {
  it('a request the AWS SDK signed, reporting the signer, scope and signed payload hash', async () => {
    const auth = verifyRequestSignature(await signWithSdk(PUT), options());
    expect(auth).toMatchObject({
      accessKeyId: EXAMPLE_ACCESS_KEY,
      region: 'us-east-1',
      scope: '20240229/us-east-1/s3/aws4_request',
      amzDate: '20240229T120000Z',
      payload: { kind: 'signed', sha256: PUT.headers['x-amz-content-sha256'] },
      presigned: false,
    });
    expect(auth.signingKey).toHaveLength(32);
  });

  it('any region the client signed for when no region is configured, and the configured one', async () => {
    const request = await signWithSdk(PUT, { region: 'eu-central-1' });
    expect(verifyRequestSignature(request, options()).region).toBe('eu-central-1');
    expect(verifyRequestSignature(request, options({ region: 'eu-central-1' })).region).toBe(
      'eu-central-1',
    );
  });

  it('a clock skew of up to 15 minutes either way', async () => {
    const request = await signWithSdk(PUT);
    for (const skew of [minutes(-15), minutes(15)]) {
      expect(verifyRequestSignature(request, options({ now: at(skew) })).accessKeyId).toBe(
        EXAMPLE_ACCESS_KEY,
      );
    }
  });

  it('a presigned URL until the last second of its validity', async () => {
    const request = await presignWithSdk(GET, 3600);
    const auth = verifyRequestSignature(request, options({ now: at(3600_000) }));
    expect(auth).toMatchObject({ presigned: true, payload: { kind: 'unsigned' } });
  });
});

describe('verifyRequestSignature refuses, with the S3 error AWS answers', () => {
  it('an unknown access key: InvalidAccessKeyId', async () => {
    const error = rejection(await signWithSdk(PUT), { credentials: () => undefined });
    expect(error).toMatchObject({
      code: 'InvalidAccessKeyId',
      status: 403,
      fields: { AWSAccessKeyId: EXAMPLE_ACCESS_KEY },
    });
  });

  it('a wrong secret: SignatureDoesNotMatch with the string to sign and canonical request', async () => {
    const request = await signWithSdk(PUT, { secret: 'not-the-secret' });
    const error = rejection(request);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(error.fields.AWSAccessKeyId).toBe(EXAMPLE_ACCESS_KEY);
    expect(error.fields.SignatureProvided).toMatch(/^[0-9a-f]{64}$/);
    expect(error.fields.StringToSign).toMatch(
      /^AWS4-HMAC-SHA256\n20240229T120000Z\n20240229\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/,
    );
    expect(error.fields.CanonicalRequest).toContain('PUT\n/photos/cats/tabby%20one.jpg\n\n');
  });

  it.each([
    ['another path', (r: SignedRequest) => ({ ...r, rawPath: '/photos/cats/tabby%20two.jpg' })],
    ['another method', (r: SignedRequest) => ({ ...r, method: 'DELETE' })],
    ['an added query parameter', (r: SignedRequest) => ({ ...r, rawQuery: 'acl' })],
    [
      'a changed signed header',
      (r: SignedRequest) => withHeaders(r, { 'x-amz-meta-owner': 'mallory' }),
    ],
    ['another host', (r: SignedRequest) => withHeaders(r, { host: 'evil.example' })],
    ['a truncated signature', (r: SignedRequest) => editAuthorization(r, (a) => a.slice(0, -1))],
  ])('a request changed after signing (%s): SignatureDoesNotMatch', async (_name, change) => {
    expect(rejection(change(await signWithSdk(PUT))).code).toBe('SignatureDoesNotMatch');
  });

  it('a request time over 15 minutes away: RequestTimeTooSkewed', async () => {
    const request = await signWithSdk(PUT);
    for (const skew of [minutes(-16), minutes(16)]) {
      const error = rejection(request, { now: at(skew) });
      expect(error).toMatchObject({
        code: 'RequestTimeTooSkewed',
        status: 403,
        fields: { RequestTime: '20240229T120000Z', MaxAllowedSkewMilliseconds: '900000' },
      });
    }
  });

  it('a presigned URL after its expiry: AccessDenied "Request has expired"', async () => {
    const error = rejection(await presignWithSdk(GET, 3600), { now: at(3601_000) });
    expect(error).toMatchObject({
      code: 'AccessDenied',
      message: 'Request has expired',
      fields: { 'X-Amz-Expires': '3600', Expires: '2024-02-29T13:00:00.000Z' },
    });
  });

  it('a presigned URL signed more than 15 minutes in the future: AccessDenied', async () => {
    const error = rejection(await presignWithSdk(GET, 3600), { now: at(minutes(-16)) });
    expect(error).toMatchObject({ code: 'AccessDenied', message: 'Request is not valid yet' });
  });

  it.each([
    [
      'X-Amz-Expires over a week',
      (q: string) => q.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801'),
      /less than a week/,
    ],
    [
      'X-Amz-Expires not a number',
      (q: string) => q.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=soon'),
      /should be a number/,
    ],
    [
      'no X-Amz-Signature',
      (q: string) => q.replace(/&?X-Amz-Signature=\w+/, ''),
      /requires the X-Amz-Algorithm/,
    ],
    [
      'another algorithm',
      (q: string) => q.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'),
      /only supports/,
    ],
    [
      'a malformed X-Amz-Date',
      (q: string) => q.replace(/X-Amz-Date=\w+/, 'X-Amz-Date=2024-02-29'),
      /ISO8601/,
    ],
    [
      'a credential of another day',
      (q: string) => q.replace('%2F20240229%2F', '%2F20240228%2F'),
      /Invalid credential date/,
    ],
    [
      'a credential for another service',
      (q: string) => q.replace('%2Fs3%2F', '%2Fec2%2F'),
      /incorrect service "ec2"/,
    ],
  ])('a presigned URL with %s: AuthorizationQueryParametersError', async (_name, edit, message) => {
    const error = rejection(editQuery(await presignWithSdk(GET, 3600), edit));
    expect(error).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400 });
    expect(error.message).toMatch(message);
  });

  it.each([
    [
      'a credential with a missing part',
      (a: string) => a.replace('/us-east-1/', '/'),
      /Credential is mal-formed/,
    ],
    [
      'a credential for another service',
      (a: string) => a.replace('/s3/', '/ec2/'),
      /incorrect service "ec2"/,
    ],
    [
      'a credential of another day',
      (a: string) => a.replace('/20240229/', '/20240228/'),
      /Invalid credential date/,
    ],
    ['no Signature component', (a: string) => a.replace(/, Signature=\w+/, ''), /three components/],
    [
      'upper-case SignedHeaders',
      (a: string) => a.replace('SignedHeaders=host', 'SignedHeaders=Host'),
      /lower-case/,
    ],
    [
      'SignedHeaders without host',
      (a: string) => a.replace('SignedHeaders=host;', 'SignedHeaders='),
      /must include host/,
    ],
  ])(
    'an Authorization header with %s: AuthorizationHeaderMalformed',
    async (_name, edit, message) => {
      const error = rejection(editAuthorization(await signWithSdk(PUT), edit));
      expect(error).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
      expect(error.message).toMatch(message);
    },
  );

  it('a request signed for another region than the configured one, naming the right region', async () => {
    const header = rejection(await signWithSdk(PUT, { region: 'eu-central-1' }), {
      region: 'us-east-1',
    });
    expect(header).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      fields: { Region: 'us-east-1' },
    });
    const query = rejection(await presignWithSdk(GET, 60, { region: 'eu-central-1' }), {
      region: 'us-east-1',
    });
    expect(query).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      fields: { Region: 'us-east-1' },
    });
  });

  it('a presigned URL without host among its signed headers: AuthorizationQueryParametersError', async () => {
    const request = await presignWithSdk(GET, 60);
    const edited = editQuery(request, (q) =>
      q.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=range'),
    );
    expect(rejection(edited).code).toBe('AuthorizationQueryParametersError');
  });

  it('no x-amz-content-sha256 with the Authorization header: MissingSecurityHeader', async () => {
    const error = rejection(
      withHeaders(await signWithSdk(GET), { 'x-amz-content-sha256': undefined }),
    );
    expect(error).toMatchObject({
      code: 'MissingSecurityHeader',
      fields: { MissingHeaderName: 'x-amz-content-sha256' },
    });
  });

  it('an x-amz-content-sha256 that is neither a hash nor a known mode: InvalidArgument', async () => {
    const request = await signWithSdk({
      ...PUT,
      headers: { ...PUT.headers, 'x-amz-content-sha256': 'abc' },
    });
    expect(rejection(request)).toMatchObject({
      code: 'InvalidArgument',
      fields: { ArgumentName: 'x-amz-content-sha256' },
    });
  });

  it('a Signature Version 4A streaming payload: NotImplemented', async () => {
    const headers = {
      ...PUT.headers,
      'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
    };
    expect(rejection(await signWithSdk({ ...PUT, headers })).code).toBe('NotImplemented');
  });

  it('no request time at all: AccessDenied', async () => {
    const error = rejection(withHeaders(await signWithSdk(GET), { 'x-amz-date': undefined }));
    expect(error).toMatchObject({ code: 'AccessDenied', message: /valid x-amz-date/ });
  });

  it('an x-amz-* header the signature does not cover: AccessDenied naming it', async () => {
    const sneaked = withHeaders(await signWithSdk(PUT), {
      'x-amz-meta-role': 'admin',
      'x-amz-acl': 'public-read',
    });
    expect(rejection(sneaked)).toMatchObject({
      code: 'AccessDenied',
      fields: { HeadersNotSigned: 'x-amz-acl, x-amz-meta-role' },
    });
    const presigned = withHeaders(await presignWithSdk(GET, 60), { 'x-amz-meta-role': 'admin' });
    expect(rejection(presigned)).toMatchObject({
      code: 'AccessDenied',
      fields: { HeadersNotSigned: 'x-amz-meta-role' },
    });
  });

  it('an anonymous request: AccessDenied', () => {
    const error = rejection({
      method: 'GET',
      rawPath: '/photos/cat.jpg',
      rawQuery: '',
      headers: { host: 'localhost' },
    });
    expect(error).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('Signature Version 2, in the header or the query: InvalidRequest', () => {
    const header = {
      method: 'GET',
      rawPath: '/b/k',
      rawQuery: '',
      headers: { authorization: 'AWS AKID:c2lnbmF0dXJl' },
    };
    const query = {
      method: 'GET',
      rawPath: '/b/k',
      rawQuery: 'AWSAccessKeyId=AKID&Expires=1&Signature=x',
      headers: {},
    };
    expect(rejection(header).code).toBe('InvalidRequest');
    expect(rejection(query).code).toBe('InvalidRequest');
  });

  it('both an Authorization header and presigned parameters: InvalidArgument', async () => {
    const presigned = await presignWithSdk(GET, 60);
    const signed = await signWithSdk(GET);
    const both = {
      ...presigned,
      headers: { ...presigned.headers, authorization: String(signed.headers.authorization) },
    };
    expect(rejection(both).code).toBe('InvalidArgument');
  });
});
