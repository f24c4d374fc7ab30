import type { FeatureValue } from './coerce-value.ts';

/** What the online store keeps per (feature view, entity): the newest row's values. */
export interface OnlineRow {
  /** Event time (ms). */
  t: number;
  /** When the row was written to the offline store or pushed (ms): breaks event-time ties. */
  c: number;
  v: Record<string, FeatureValue>;
}

export type OnlineStatus = 'PRESENT' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

export interface OnlineValue {
  value: FeatureValue;
  status: OnlineStatus;
  /** Event time of the value (ms), when one is stored. */
  eventTimestamp?: number;
}

/**
 * One feature's answer from a stored online row, judged at `nowMs` against the view's TTL
 * (0: never expires). Statuses are Feast's: an expired value is reported, never served as if
 * fresh, and its value is withheld.
 */
export function onlineValueOf(
  row: OnlineRow | undefined,
  feature: string,
  ttlMs: number,
  nowMs: number,
): OnlineValue {
  if (row === undefined || !(feature in row.v)) return { value: null, status: 'NOT_FOUND' };
  if (ttlMs > 0 && nowMs - row.t > ttlMs) {
    return { value: null, status: 'OUTSIDE_MAX_AGE', eventTimestamp: row.t };
  }
  return { value: row.v[feature] ?? null, status: 'PRESENT', eventTimestamp: row.t };
}
