import { describe, expect, it } from 'vitest';
import {
  bucketNameProblem,
  validateBucketName,
  validateObjectKey,
} from '../../src/domain/s3/index.ts';
import { catchS3Error } from './catch-s3-error.ts';

describe('bucket names', () => {
  it.each(['abc', 'my-bucket', 'my.bucket.2026', 'a'.repeat(63), '1bucket9', 'xn-single-dash'])(
    'accepts %s',
    (name) => {
      expect(bucketNameProblem(name)).toBeUndefined();
      expect(() => validateBucketName(name)).not.toThrow();
    },
  );

  it.each([
    ['ab', '3 to 63'],
    ['a'.repeat(64), '3 to 63'],
    ['My-Bucket', 'lowercase'],
    ['my_bucket', 'lowercase'],
    ['-bucket', 'begin and end'],
    ['bucket-', 'begin and end'],
    ['bucket.', 'begin and end'],
    ['my..bucket', 'adjacent dots'],
    ['192.168.5.4', 'IP address'],
    ['xn--bucket', 'xn--'],
    ['sthree-bucket', 'sthree-'],
    ['sthree-configurator', 'sthree-'],
    ['amzn-s3-demo-bucket', 'amzn-s3-demo-'],
    ['bucket-s3alias', '-s3alias'],
    ['bucket--ol-s3', '--ol-s3'],
    ['bucket.mrap', '.mrap'],
    ['bucket--usw2-az1--x-s3', '--x-s3'],
    ['bucket--table-s3', '--table-s3'],
  ])('refuses %s (%s)', (name, reason) => {
    expect(bucketNameProblem(name)).toContain(reason);
    expect(() => validateBucketName(name)).toThrow(
      expect.objectContaining({
        code: 'InvalidBucketName',
        status: 400,
        fields: { BucketName: name },
      }),
    );
  });
});

describe('object keys', () => {
  it('accepts up to 1024 bytes of UTF-8, counting bytes rather than characters', () => {
    expect(() => validateObjectKey('a'.repeat(1024))).not.toThrow();
    expect(() => validateObjectKey('é'.repeat(512))).not.toThrow();
    expect(() => validateObjectKey(' leading and trailing spaces ')).not.toThrow();
  });

  it('answers KeyTooLongError above 1024 bytes', () => {
    const error = catchS3Error(() => validateObjectKey('é'.repeat(513)));
    expect(error).toMatchObject({ code: 'KeyTooLongError', status: 400 });
    expect(error.fields).toEqual({ MaxSizeAllowed: '1024', Size: '1026' });
  });

  it.each([
    ['empty', ''],
    ['a lone surrogate', 'a\ud800b'],
    ['NUL', 'a\u0000b'],
  ])('refuses a key that is %s with InvalidArgument', (_case, key) => {
    expect(catchS3Error(() => validateObjectKey(key)).code).toBe('InvalidArgument');
  });
});
