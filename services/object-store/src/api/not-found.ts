import { S3Error } from '../domain/s3-error.ts';

export function noSuchKey(key: string, headers?: Record<string, string>): S3Error {
  return new S3Error('NoSuchKey', 'The specified key does not exist.', {
    fields: { Key: key },
    ...(headers === undefined ? {} : { headers }),
  });
}

export function noSuchVersion(key: string, versionId: string): S3Error {
  return new S3Error('NoSuchVersion', 'The specified version does not exist.', {
    fields: { Key: key, VersionId: versionId },
  });
}
