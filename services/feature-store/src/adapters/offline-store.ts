import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import type { FeatureRow } from '../domain/as-of-join.ts';
import { parseFeatureRow } from '../domain/parse-feature-row.ts';
import type { IncomingRow } from '../domain/parse-feature-row.ts';
import type { Entity, FeatureView } from '../domain/registry-spec.ts';

const BATCH = 2_000;

const INSERT = `INSERT INTO feature_rows (feature_view, entity_key, event_ts, created_ts, values)
  SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::jsonb[])`;

/**
 * Ingests a stream of source records into a view's offline rows in one transaction: a bad
 * record anywhere (its position named in the error) leaves nothing written.
 */
export async function ingestRecords(
  pool: pg.Pool,
  view: FeatureView,
  entities: Entity[],
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  nowMs = Date.now(),
): Promise<number> {
  return withTransaction(pool, async (client) => {
    let batch: IncomingRow[] = [];
    let count = 0;
    for await (const record of records) {
      batch.push(parseFeatureRow(view, entities, record, `rows[${count}]`, nowMs));
      count++;
      if (batch.length === BATCH) {
        await insertRows(client, view.name, batch);
        batch = [];
      }
    }
    await insertRows(client, view.name, batch);
    return count;
  });
}

/** Appends validated rows of one view (also used by push). */
export async function insertRows(
  db: pg.Pool | pg.PoolClient,
  viewName: string,
  rows: IncomingRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(INSERT, [
    viewName,
    rows.map((r) => r.key),
    rows.map((r) => new Date(r.eventTs).toISOString()),
    rows.map((r) => new Date(r.createdTs).toISOString()),
    rows.map((r) => JSON.stringify(r.values)),
  ]);
}

const AS_OF_COLUMNS = `SELECT entity_key AS key, (extract(epoch FROM event_ts) * 1000)::float8 AS ts, values
  FROM feature_rows`;
const AS_OF_ORDER = 'ORDER BY entity_key, event_ts, created_ts, seq';

/**
 * A view's rows for the keys from `firstKey` to `lastKey`, in the order the point-in-time join
 * walks them; rows ingested after `cutoff` are left out so a training set can be rebuilt as it was.
 */
export async function featureRowsBetween(
  db: pg.Pool | pg.PoolClient,
  viewName: string,
  firstKey: string,
  lastKey: string,
  cutoff: Date,
): Promise<FeatureRow[]> {
  const { rows } = await db.query<FeatureRow>(
    `${AS_OF_COLUMNS} WHERE feature_view = $1 AND entity_key BETWEEN $2 AND $3 AND created_ts <= $4 ${AS_OF_ORDER}`,
    [viewName, firstKey, lastKey, cutoff],
  );
  return rows;
}

/** The same for a list of keys, where they are not one range of the view's key order. */
export async function featureRowsOf(
  db: pg.Pool | pg.PoolClient,
  viewName: string,
  keys: string[],
  cutoff: Date,
): Promise<FeatureRow[]> {
  const { rows } = await db.query<FeatureRow>(
    `${AS_OF_COLUMNS} WHERE feature_view = $1 AND entity_key = ANY($2::text[]) AND created_ts <= $3 ${AS_OF_ORDER}`,
    [viewName, keys, cutoff],
  );
  return rows;
}
