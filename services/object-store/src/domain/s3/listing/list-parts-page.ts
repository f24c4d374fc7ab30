import type { ListPartsQuery } from './list-query.ts';

export interface PartsPage<P> {
  readonly parts: readonly P[];
  readonly isTruncated: boolean;
  /** The last part number listed, as AWS sends it; the next page's part-number-marker. */
  readonly nextPartNumberMarker: number | undefined;
}

/**
 * One page of ListParts. An upload has at most 10 000 parts, so the caller passes them all,
 * sorted by part number, and the page is cut here.
 */
export function listPartsPage<P extends { readonly partNumber: number }>(
  query: ListPartsQuery,
  parts: readonly P[],
): PartsPage<P> {
  const due = parts.filter((part) => part.partNumber > query.partNumberMarker);
  const page = due.slice(0, query.maxParts);
  return {
    parts: page,
    isTruncated: due.length > page.length,
    nextPartNumberMarker: page.at(-1)?.partNumber,
  };
}
