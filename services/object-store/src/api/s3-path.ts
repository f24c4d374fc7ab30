import { S3Error } from '../domain/s3-error.ts';

export interface S3Path {
  bucket: string;
  key: string;
  rawPath: string;
  rawQuery: string;
}

/**
 * Splits a path-style request target: `/<bucket>/<key…>?<query>`. The key is everything after
 * the bucket's slash, percent-decoded once (slashes inside it are part of the key); the raw
 * forms are kept because the signature covers them as sent.
 */
export function parseS3Path(url: string): S3Path {
  const queryAt = url.indexOf('?');
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  try {
    return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(key), rawPath, rawQuery };
  } catch (error) {
    throw new S3Error('InvalidURI', 'Could not parse the specified URI.', { cause: error });
  }
}

/** The query string as S3 reads it: each parameter once, `?versioning` present with ''. */
export function parseS3Query(rawQuery: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) query[name] ??= value;
  return query;
}
