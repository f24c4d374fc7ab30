/** Where a storage scan begins: at `key` when `inclusive`, else just after it. */
export interface ScanStart {
  readonly key: string;
  readonly inclusive: boolean;
}

/**
 * The storage side of every listing: entries from `start` on, in key order (code point order,
 * i.e. `ORDER BY key COLLATE "C"`; versions of one key newest first; uploads of one key by
 * upload id). `prefix` lets the query bound its range (`key LIKE prefix || '%'`); a scan that
 * ignores it is still correct, because the listing stops at the first key outside the prefix.
 *
 * A listing reads only what one page needs and may stop early and open a new scan further on
 * (to jump over a common prefix); its `for await … break` calls the iterator's `return()`,
 * which should close the cursor. A query that fetches rows in batches of a page or two is right.
 */
export type KeyScan<E> = (start: ScanStart, prefix: string) => AsyncIterable<E>;
