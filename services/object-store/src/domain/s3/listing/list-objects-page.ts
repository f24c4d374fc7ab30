import type { KeyScan } from './key-scan.ts';
import { positionOf, walkPage } from './walk-page.ts';

export interface ListObjectsRequest {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  /** Resume after this key or common prefix: start-after, marker, or a decoded token. */
  readonly after: string | undefined;
}

export interface ObjectsPage<E> {
  readonly contents: readonly E[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /**
   * When truncated, the last key or common prefix of the page: NextMarker (v1, sent only with a
   * delimiter, as AWS does) or, encoded, NextContinuationToken (v2).
   */
  readonly next: string | undefined;
}

/**
 * One page of ListObjects / ListObjectsV2 over `scan` (see `KeyScan`). Pass the query parsed by
 * `parseListObjectsV2Query` or `parseListObjectsV1Query`; they carry exactly these fields.
 */
export async function listObjectsPage<E extends { readonly key: string }>(
  request: ListObjectsRequest,
  scan: KeyScan<E>,
  options: { readonly readsBeforeSeek?: number } = {},
): Promise<ObjectsPage<E>> {
  const page = await walkPage(
    { ...request, maxItems: request.maxKeys, readsBeforeSeek: options.readsBeforeSeek },
    scan,
  );
  return {
    contents: page.entries,
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
    next: page.resumeAfter && positionOf(page.resumeAfter),
  };
}
