import type { KeyScan } from './key-scan.ts';
import { positionOf, walkPage } from './walk-page.ts';

export interface ListVersionsRequest {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly keyMarker: string | undefined;
  readonly versionIdMarker: string | undefined;
}

export interface VersionsPage<E> {
  /** Versions and delete markers interleaved: by key, then newest first, as scanned. */
  readonly versions: readonly E[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker: string | undefined;
  /** Absent when the page ends on a common prefix. */
  readonly nextVersionIdMarker: string | undefined;
}

/**
 * One page of ListObjectVersions. The scan yields every version and delete marker of each key,
 * newest first. A key marker alone resumes after that key; with a version-id marker the page
 * resumes after that version of that key, found by reading the key's versions in order (if it
 * was deleted meanwhile, the listing goes on with the next key).
 */
export async function listVersionsPage<
  E extends { readonly key: string; readonly versionId: string },
>(
  request: ListVersionsRequest,
  scan: KeyScan<E>,
  options: { readonly readsBeforeSeek?: number } = {},
): Promise<VersionsPage<E>> {
  const { versionIdMarker } = request;
  const page = await walkPage(
    {
      prefix: request.prefix,
      delimiter: request.delimiter,
      maxItems: request.maxKeys,
      after: request.keyMarker,
      resumesWithin: versionIdMarker === undefined ? undefined : afterVersion(versionIdMarker),
      readsBeforeSeek: options.readsBeforeSeek,
    },
    scan,
  );
  const { resumeAfter } = page;
  return {
    versions: page.entries,
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
    nextKeyMarker: resumeAfter && positionOf(resumeAfter),
    nextVersionIdMarker: resumeAfter?.kind === 'entry' ? resumeAfter.entry.versionId : undefined,
  };
}

/** True from the version after `versionId` on. */
function afterVersion(versionId: string): (entry: { readonly versionId: string }) => boolean {
  let seen = false;
  return (entry) => {
    if (seen) return true;
    seen = entry.versionId === versionId;
    return false;
  };
}
