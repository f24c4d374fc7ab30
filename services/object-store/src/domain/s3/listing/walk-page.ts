import { compareKeys, prefixSuccessor } from './key-order.ts';
import type { KeyScan, ScanStart } from './key-scan.ts';

/**
 * How many keys inside an already listed common prefix the walk reads and drops before it asks
 * storage to seek past the prefix. Reading a few is cheaper than a new query when a prefix
 * holds a handful of keys; seeking bounds the cost when it holds 100 000.
 */
export const READS_BEFORE_SEEK = 16;

export interface WalkRequest<E> {
  readonly prefix: string;
  /** `''` means no delimiter: every key is listed, none rolled up. */
  readonly delimiter: string;
  /** Entries plus common prefixes on one page; 0 gives an empty, untruncated page. */
  readonly maxItems: number;
  /** Keys and common prefixes at or before this position were on earlier pages. */
  readonly after?: string | undefined;
  /**
   * Set when resuming in the middle of the key `after` (a version or upload marker): entries
   * of that key are listed only from the one where this first returns true.
   */
  readonly resumesWithin?: ((entry: E) => boolean) | undefined;
  readonly readsBeforeSeek?: number;
}

export type PageItem<E> =
  | { readonly kind: 'entry'; readonly entry: E }
  | { readonly kind: 'prefix'; readonly prefix: string };

export interface WalkedPage<E> {
  readonly entries: E[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** When truncated, the page's last entry or common prefix: the next page resumes after it. */
  readonly resumeAfter: PageItem<E> | undefined;
}

/** The position a listing resumes after: an entry's key, or the common prefix itself. */
export function positionOf<E extends { readonly key: string }>(item: PageItem<E>): string {
  return item.kind === 'entry' ? item.entry.key : item.prefix;
}

/**
 * Walks one page of a listing: entries under `prefix` in key order, keys that contain the
 * delimiter after the prefix rolled up into common prefixes (each emitted once, each counting
 * as one item), until `maxItems` items are collected. The page is truncated only if one more
 * item really exists, so the last page never says "more" without delivering it.
 */
export async function walkPage<E extends { readonly key: string }>(
  request: WalkRequest<E>,
  scan: KeyScan<E>,
): Promise<WalkedPage<E>> {
  const { prefix, delimiter, maxItems, after, resumesWithin } = request;
  const readsBeforeSeek = request.readsBeforeSeek ?? READS_BEFORE_SEEK;
  const entries: E[] = [];
  const commonPrefixes: string[] = [];
  let last: PageItem<E> | undefined;
  let isTruncated = false;
  if (maxItems === 0) return { entries, commonPrefixes, isTruncated, resumeAfter: undefined };

  // A common prefix is behind us when it sorts at or before the resume position (S3 does not
  // repeat `photos/` after NextMarker=photos/, nor list it after marker=photos/x), or when this
  // page has just listed it.
  let listedPrefix: string | undefined;
  const isBehind = (commonPrefix: string): boolean =>
    commonPrefix === listedPrefix || (after !== undefined && compareKeys(commonPrefix, after) <= 0);
  let resuming = resumesWithin; // cleared once the walk is past the resume point
  let dropping: string | undefined;
  let dropped = 0;

  let start: ScanStart | undefined = firstScanStart(prefix, after, resumesWithin !== undefined);
  scanning: while (start !== undefined) {
    const from: ScanStart = start;
    start = undefined;
    for await (const entry of scan(from, prefix)) {
      const { key } = entry;
      if (!key.startsWith(prefix)) break scanning; // keys are sorted: nothing later has the prefix
      if (resuming !== undefined) {
        if (key === after && !resuming(entry)) continue;
        resuming = undefined;
      }
      const commonPrefix = commonPrefixOf(key, prefix, delimiter);
      if (commonPrefix !== undefined && isBehind(commonPrefix)) {
        if (dropping !== commonPrefix) [dropping, dropped] = [commonPrefix, 0];
        if (++dropped > readsBeforeSeek) {
          const successor = prefixSuccessor(commonPrefix);
          if (successor === undefined) break scanning;
          start = { key: successor, inclusive: true };
          continue scanning; // leaving the loop closes this scan
        }
        continue;
      }
      if (entries.length + commonPrefixes.length === maxItems) {
        isTruncated = true;
        break scanning;
      }
      if (commonPrefix === undefined) {
        entries.push(entry);
        last = { kind: 'entry', entry };
      } else {
        commonPrefixes.push(commonPrefix);
        listedPrefix = commonPrefix;
        last = { kind: 'prefix', prefix: commonPrefix };
      }
    }
  }
  return { entries, commonPrefixes, isTruncated, resumeAfter: isTruncated ? last : undefined };
}

function firstScanStart(prefix: string, after: string | undefined, within: boolean): ScanStart {
  const beforePrefix = after === undefined || compareKeys(after, prefix) < 0;
  return beforePrefix ? { key: prefix, inclusive: true } : { key: after, inclusive: within };
}

/** The common prefix `key` rolls up into: up to and including the first delimiter after `prefix`. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '') return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}
