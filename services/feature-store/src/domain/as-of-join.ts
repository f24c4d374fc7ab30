import { compareKeys } from './compare-keys.ts';

/** One row of the entity dataframe: whose features, as of when. */
export interface EntityRow {
  key: string;
  /** Event time in epoch milliseconds. */
  ts: number;
}

/** One stored value set of a feature view for one entity at one event time. */
export interface FeatureRow {
  key: string;
  ts: number;
  values: Record<string, unknown>;
}

export type AsOfStatus = 'present' | 'missing' | 'expired';

export interface AsOfMatch {
  status: AsOfStatus;
  /** The row used (present) or the newest row before the TTL window (expired). */
  row?: FeatureRow;
}

/**
 * The point-in-time join of one feature view, as a merge of two sorted streams: for each
 * entity row, the newest feature row of the same key whose event time is at or before the
 * entity row's (never a later one: that would leak the future into training), and only if it
 * is at most `ttlMs` older (0: no limit).
 *
 * Both inputs must be sorted by key (compareKeys), then time. Feature rows with equal key and
 * time must come in tie-break order (the one to win last). Yields one match per entity row, in
 * entity order, holding one feature row in memory: any input size streams.
 */
export function* asOfJoin(
  entities: Iterable<EntityRow>,
  features: Iterable<FeatureRow>,
  ttlMs: number,
): Generator<AsOfMatch> {
  const cursor = features[Symbol.iterator]();
  let next = cursor.next();
  let latest: FeatureRow | undefined;
  for (const entity of entities) {
    if (latest !== undefined && latest.key !== entity.key) latest = undefined;
    while (!next.done && isAtOrBefore(next.value, entity)) {
      if (next.value.key === entity.key) latest = next.value;
      next = cursor.next();
    }
    yield matchOf(latest, entity, ttlMs);
  }
}

function isAtOrBefore(row: FeatureRow, entity: EntityRow): boolean {
  const order = compareKeys(row.key, entity.key);
  return order < 0 || (order === 0 && row.ts <= entity.ts);
}

function matchOf(row: FeatureRow | undefined, entity: EntityRow, ttlMs: number): AsOfMatch {
  if (row === undefined) return { status: 'missing' };
  if (ttlMs > 0 && entity.ts - row.ts > ttlMs) return { status: 'expired', row };
  return { status: 'present', row };
}
