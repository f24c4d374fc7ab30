import type { KeyScan } from './key-scan.ts';
import { positionOf, walkPage } from './walk-page.ts';

export interface ListUploadsRequest {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxUploads: number;
  readonly keyMarker: string | undefined;
  readonly uploadIdMarker: string | undefined;
}

export interface UploadsPage<E> {
  readonly uploads: readonly E[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker: string | undefined;
  readonly nextUploadIdMarker: string | undefined;
}

/**
 * One page of ListMultipartUploads. The scan yields uploads by key, then by upload id; as AWS
 * documents, with an upload-id marker the uploads of the marker key are listed only if their
 * id sorts after it (time-ordered ids, such as UUIDv7, make that initiation order).
 */
export async function listUploadsPage<
  E extends { readonly key: string; readonly uploadId: string },
>(
  request: ListUploadsRequest,
  scan: KeyScan<E>,
  options: { readonly readsBeforeSeek?: number } = {},
): Promise<UploadsPage<E>> {
  const { uploadIdMarker } = request;
  const page = await walkPage(
    {
      prefix: request.prefix,
      delimiter: request.delimiter,
      maxItems: request.maxUploads,
      after: request.keyMarker,
      resumesWithin:
        uploadIdMarker === undefined ? undefined : (entry: E) => entry.uploadId > uploadIdMarker,
      readsBeforeSeek: options.readsBeforeSeek,
    },
    scan,
  );
  const { resumeAfter } = page;
  return {
    uploads: page.entries,
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
    nextKeyMarker: resumeAfter && positionOf(resumeAfter),
    nextUploadIdMarker: resumeAfter?.kind === 'entry' ? resumeAfter.entry.uploadId : undefined,
  };
}
