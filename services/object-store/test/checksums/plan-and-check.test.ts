import { describe, expect, it } from 'vitest';
import {
  checkChecksums,
  createMultiHasher,
  planChecksums,
} from '../../src/domain/checksums/index.ts';
import type { ChecksumPlan } from '../../src/domain/checksums/index.ts';
import type { RequestHeaders } from '../../src/domain/sigv4/index.ts';
import { S3Error } from '../../src/domain/s3-error.ts';

const BODY = Buffer.from('123456789');
const CRC32 = 'y/Q5Jg=='; // of BODY
const MD5 = 'JfnnlDI7RTiF9RgfG2JNCw=='; // of BODY
const SHA256 = 'FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU='; // of BODY

function thrown(action: () => unknown): S3Error {
  try {
    action();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('no error was thrown');
}

/** Plans from headers, hashes BODY (or `body`) as the gateway would, and checks. */
function verify(headers: RequestHeaders, trailers?: ReadonlyMap<string, string>, body = BODY) {
  const plan = planChecksums(headers);
  const hashes = createMultiHasher(plan.hashes);
  hashes.update(body);
  return checkChecksums(plan, hashes.digests(), trailers);
}

describe('planChecksums', () => {
  it('expects nothing of a request without checksum headers', () => {
    expect(planChecksums({ 'content-type': 'text/plain' })).toEqual({
      contentMd5: undefined,
      checksum: undefined,
      hashes: [],
    });
  });

  it('reads Content-MD5, a checksum header and a trailer promise', () => {
    expect(
      planChecksums({ 'content-md5': MD5, 'x-amz-checksum-sha256': SHA256 }),
    ).toEqual<ChecksumPlan>({
      contentMd5: MD5,
      checksum: { algorithm: 'SHA256', in: 'header', value: SHA256 },
      hashes: ['MD5', 'SHA256'],
    });
    expect(planChecksums({ 'x-amz-trailer': 'X-Amz-Checksum-CRC32C' }).checksum).toEqual({
      algorithm: 'CRC32C',
      in: 'trailer',
    });
  });

  it('ignores the x-amz-checksum-* headers that are not checksums (mode, algorithm, type)', () => {
    const headers = {
      'x-amz-checksum-mode': 'ENABLED',
      'x-amz-checksum-algorithm': 'CRC32',
      'x-amz-checksum-type': 'COMPOSITE',
    };
    expect(planChecksums(headers).checksum).toBeUndefined();
  });

  it.each([
    ['not base64', '!!!!!!!!!!!!!!!!!!!!!!!!'],
    ['the wrong length', 'y/Q5Jg=='],
    ['non-canonical padding', 'JfnnlDI7RTiF9RgfG2JNCx=='],
  ])('refuses a Content-MD5 that is %s: InvalidDigest', (_name, value) => {
    expect(thrown(() => planChecksums({ 'content-md5': value }))).toMatchObject({
      code: 'InvalidDigest',
      status: 400,
    });
  });

  it('refuses a malformed checksum header, two checksums, or a header plus a trailer: InvalidRequest', () => {
    expect(thrown(() => planChecksums({ 'x-amz-checksum-crc32': 'AAAA' })).message).toBe(
      'Value for x-amz-checksum-crc32 header is invalid.',
    );
    expect(
      thrown(() =>
        planChecksums({ 'x-amz-checksum-crc32': CRC32, 'x-amz-checksum-sha256': SHA256 }),
      ).code,
    ).toBe('InvalidRequest');
    expect(
      thrown(() =>
        planChecksums({ 'x-amz-checksum-crc32': CRC32, 'x-amz-trailer': 'x-amz-checksum-crc32' }),
      ).code,
    ).toBe('InvalidRequest');
    expect(thrown(() => planChecksums({ 'x-amz-trailer': 'x-amz-meta-late' })).code).toBe(
      'InvalidRequest',
    );
  });

  it('says clearly that CRC64NVME is not supported rather than ignoring it: NotImplemented', () => {
    expect(thrown(() => planChecksums({ 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' })).code).toBe(
      'NotImplemented',
    );
    expect(thrown(() => planChecksums({ 'x-amz-trailer': 'x-amz-checksum-crc64nvme' })).code).toBe(
      'NotImplemented',
    );
  });
});

describe('checkChecksums', () => {
  it('passes matching digests and returns the checksum to store', () => {
    expect(verify({ 'content-md5': MD5, 'x-amz-checksum-crc32': CRC32 })).toEqual({
      algorithm: 'CRC32',
      value: CRC32,
    });
    expect(verify({ 'x-amz-checksum-sha256': SHA256 })).toEqual({
      algorithm: 'SHA256',
      value: SHA256,
    });
    expect(
      verify(
        { 'x-amz-trailer': 'x-amz-checksum-crc32' },
        new Map([['x-amz-checksum-crc32', CRC32]]),
      ),
    ).toEqual({
      algorithm: 'CRC32',
      value: CRC32,
    });
    expect(verify({})).toBeUndefined();
  });

  it('a body that does not match Content-MD5: BadDigest with both digests', () => {
    const error = thrown(() => verify({ 'content-md5': MD5 }, undefined, Buffer.from('12345678X')));
    expect(error).toMatchObject({
      code: 'BadDigest',
      status: 400,
      fields: { ExpectedDigest: MD5 },
    });
    expect(error.fields.CalculatedDigest).not.toBe(MD5);
  });

  it('a body that does not match its checksum header: BadDigest', () => {
    const error = thrown(() =>
      verify({ 'x-amz-checksum-crc32': CRC32 }, undefined, Buffer.from('12345678X')),
    );
    expect(error).toMatchObject({
      code: 'BadDigest',
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
  });

  it('a wrong CRC32 in the trailer: BadDigest', () => {
    const trailers = new Map([['x-amz-checksum-crc32', 'AAAAAA==']]);
    expect(thrown(() => verify({ 'x-amz-trailer': 'x-amz-checksum-crc32' }, trailers)).code).toBe(
      'BadDigest',
    );
  });

  it('a promised trailer that never came, a malformed one, or one never promised: InvalidRequest', () => {
    const promised = { 'x-amz-trailer': 'x-amz-checksum-crc32' };
    expect(thrown(() => verify(promised, new Map())).code).toBe('InvalidRequest');
    expect(thrown(() => verify(promised, new Map([['x-amz-checksum-crc32', 'nope']]))).code).toBe(
      'InvalidRequest',
    );
    const unpromised = new Map([['x-amz-checksum-sha256', SHA256]]);
    expect(thrown(() => verify({}, unpromised)).message).toMatch(/not declared/);
  });
});
