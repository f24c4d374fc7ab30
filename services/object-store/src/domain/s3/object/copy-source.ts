import { S3Error } from '../../s3-error.ts';
import { validateObjectKey } from '../names/object-key.ts';

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
}

/**
 * `x-amz-copy-source` of CopyObject and UploadPartCopy: `bucket/key` or `/bucket/key`,
 * URL-encoded, optionally followed by `?versionId=…`. The query is split off before decoding,
 * so a key holding `?` arrives as `%3F` and stays part of the key. Access point ARNs are not
 * supported by this store.
 */
export function parseCopySource(header: string | undefined): CopySource {
  if (header === undefined || header === '') throw invalidCopySource(header);
  const queryAt = header.indexOf('?');
  const path = (queryAt === -1 ? header : header.slice(0, queryAt)).replace(/^\//, '');
  const query = queryAt === -1 ? '' : header.slice(queryAt + 1);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalidCopySource(header);
  const bucket = decode(path.slice(0, slash), header);
  const key = decode(path.slice(slash + 1), header);
  validateObjectKey(key);
  return { bucket, key, versionId: versionIdOf(query, header) };
}

function versionIdOf(query: string, header: string): string | undefined {
  if (query === '') return undefined;
  const match = /^versionId=([^&]*)$/.exec(query);
  if (match === null || match[1] === '') throw invalidCopySource(header);
  return decode(match[1] ?? '', header);
}

function decode(text: string, header: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw invalidCopySource(header, cause);
  }
}

function invalidCopySource(header: string | undefined, cause?: unknown): S3Error {
  return new S3Error(
    'InvalidArgument',
    'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    { fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: header ?? '' }, cause },
  );
}
