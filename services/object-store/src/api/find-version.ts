import { findObjectVersion } from '../adapters/metadata/object-versions.ts';
import type { GatewayDeps } from './gateway-deps.ts';
import type { ObjectVersion } from '../domain/object-version.ts';
import { NULL_VERSION_ID } from '../domain/object-version.ts';
import { S3Error } from '../domain/s3-error.ts';
import { noSuchKey, noSuchVersion } from './not-found.ts';

const VERSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `versionId` of the query: `null` or one of ours (UUIDv7); anything else is 400, as in S3. */
export function versionIdParam(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (value === NULL_VERSION_ID || VERSION_ID.test(value))) {
    return value;
  }
  throw new S3Error('InvalidArgument', 'Invalid version id specified', {
    fields: { ArgumentName: 'versionId', ArgumentValue: String(value) },
  });
}

/**
 * The version a GET, HEAD or copy reads. A delete marker on top reads as 404 NoSuchKey with
 * `x-amz-delete-marker: true`; a delete marker asked for by id is 405, as in S3.
 */
export async function findReadableVersion(
  deps: GatewayDeps,
  bucket: string,
  key: string,
  versionId: string | undefined,
): Promise<ObjectVersion> {
  const version = await findObjectVersion(deps.pool, bucket, key, versionId);
  if (version === undefined) {
    throw versionId === undefined ? noSuchKey(key) : noSuchVersion(key, versionId);
  }
  if (!version.isDeleteMarker) return version;
  const headers = {
    'x-amz-delete-marker': 'true',
    ...(version.versionId === NULL_VERSION_ID ? {} : { 'x-amz-version-id': version.versionId }),
  };
  if (versionId === undefined) throw noSuchKey(key, headers);
  throw new S3Error(
    'MethodNotAllowed',
    'The specified method is not allowed against this resource.',
    {
      fields: { Method: 'GET', ResourceType: 'DeleteMarker' },
      headers: { ...headers, allow: 'DELETE' },
    },
  );
}
