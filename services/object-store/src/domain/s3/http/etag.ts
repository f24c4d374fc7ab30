/** An entity tag from a request header: its opaque value and whether it was marked weak. */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** The ETag as HTTP and S3 XML carry it: in double quotes. Already quoted tags stay as they are. */
export function quoteEtag(etag: string): string {
  return etag.startsWith('"') && etag.endsWith('"') && etag.length >= 2 ? etag : `"${etag}"`;
}

/** The ETag without quotes (and without a `W/` marker), as this store keeps it. */
export function unquoteEtag(etag: string): string {
  const tag = etag.trim().replace(/^W\//, '');
  return tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag;
}

const LIST_MEMBER = /\s*(?:(W\/)?"([^"]*)"|([^\s,"]+))\s*(?:,|$)/y;

/**
 * The members of an If-Match / If-None-Match header: `'*'`, or a list of entity tags. S3 also
 * accepts unquoted tags (clients copy ETags without their quotes), so bare tokens count too.
 * Unparseable text yields the tags read so far, which then simply fail to match.
 */
export function parseEtagList(header: string): '*' | EntityTag[] {
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  LIST_MEMBER.lastIndex = 0;
  while (LIST_MEMBER.lastIndex < header.length) {
    const match = LIST_MEMBER.exec(header);
    if (match === null) break;
    tags.push({ weak: match[1] !== undefined, opaque: match[2] ?? match[3] ?? '' });
  }
  return tags;
}

/**
 * RFC 9110 §8.8.3.2: the strong comparison (If-Match) needs both tags strong and equal; the weak
 * comparison (If-None-Match) only equal values. The stored ETag is always strong.
 */
export function etagMatches(
  condition: '*' | readonly EntityTag[],
  etag: string,
  weakly: boolean,
): boolean {
  if (condition === '*') return true;
  const opaque = unquoteEtag(etag);
  return condition.some((tag) => tag.opaque === opaque && (weakly || !tag.weak));
}
