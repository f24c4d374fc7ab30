import type { ObjectVersion } from '../domain/object-version.ts';
import { NULL_VERSION_ID } from '../domain/object-version.ts';
import { CHECKSUM_ALGORITHMS } from '../domain/checksums/index.ts';
import type { ChecksumAlgorithm } from '../domain/checksums/index.ts';
import { quoteEtag } from '../domain/s3/index.ts';
import type { Query } from '../domain/s3/index.ts';

/** Headers of a GET or HEAD answer describing the version. */
export function objectHeaders(
  version: ObjectVersion,
  withChecksum: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    etag: quoteEtag(version.etag),
    'last-modified': version.lastModified.toUTCString(),
    'content-type': version.contentType ?? 'binary/octet-stream',
    'accept-ranges': 'bytes',
    ...versionIdHeader(version.versionId),
  };
  for (const [name, value] of Object.entries(version.userMetadata)) {
    headers[`x-amz-meta-${name}`] = value;
  }
  if (withChecksum) Object.assign(headers, checksumHeaders(version.checksums));
  if (version.segments.length > 1)
    headers['x-amz-mp-parts-count'] = String(version.segments.length);
  return headers;
}

export function versionIdHeader(versionId: string | undefined): Record<string, string> {
  return versionId === undefined || versionId === NULL_VERSION_ID
    ? {}
    : { 'x-amz-version-id': versionId };
}

export function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(checksums)) {
    const known = CHECKSUM_ALGORITHMS[algorithm as ChecksumAlgorithm] as
      { header: string } | undefined;
    if (known !== undefined) headers[known.header] = value;
  }
  return headers;
}

/** `response-content-type` & co.: a presigned GET may ask for other response headers. */
const OVERRIDES = [
  'content-type',
  'content-language',
  'expires',
  'cache-control',
  'content-disposition',
  'content-encoding',
];

export function responseOverrides(query: Query): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of OVERRIDES) {
    const value = query[`response-${name}`];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}
