import type pg from 'pg';
import Cursor from 'pg-cursor';
import { InputError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import type { OnlineRow } from '../domain/online-value.ts';
import type { FeatureView, Registry } from '../domain/registry-spec.ts';
import type { OnlineStore } from './online-store.ts';

export type MaterializeMode = 'full' | 'incremental';

export interface MaterializeReport {
  feature_view: string;
  mode: MaterializeMode;
  /** Entity keys whose newest row was sent to the online store. */
  keys: number;
  /** Of those, how many were written: not older than the stored value (an equal one is rewritten). */
  written: number;
}

export interface MaterializeOptions {
  mode: MaterializeMode;
  batchSize?: number;
}

const LATEST_PER_KEY = (incremental: boolean) => `
  SELECT DISTINCT ON (entity_key) entity_key AS key,
         (extract(epoch FROM event_ts) * 1000)::float8 AS t,
         (extract(epoch FROM created_ts) * 1000)::float8 AS c,
         values AS v
  FROM feature_rows
  WHERE feature_view = $1 ${incremental ? 'AND ingest_xid >= $2' : ''}
  ORDER BY entity_key, event_ts DESC, created_ts DESC, seq DESC`;

/**
 * Copies the newest offline row of every entity key of a view to the online store: all keys
 * (full) or those with rows written since the last run (incremental). It runs in one
 * transaction under the view's advisory lock, and the watermark moves only when every write
 * is done, so a run killed midway is simply run again: writes are conditional (never older
 * over newer), hence idempotent, and the online store ends as after one clean run.
 */
export async function materializeView(
  pool: pg.Pool,
  online: OnlineStore,
  view: FeatureView,
  options: MaterializeOptions,
): Promise<MaterializeReport> {
  const batchSize = options.batchSize ?? 1_000;
  return withTransaction(pool, async (client) => {
    await client.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('feature-store.materialize.' || $1, 0))`,
      [view.name],
    );
    const { rows } = await client.query<{ from_xid: string; next_xid: string }>(
      `SELECT (SELECT from_xid::text FROM materialization_watermarks WHERE feature_view = $1) AS from_xid,
              pg_snapshot_xmin(pg_current_snapshot())::text AS next_xid`,
      [view.name],
    );
    const incremental = options.mode === 'incremental' && rows[0]!.from_xid !== null;
    const cursor = client.query(
      new Cursor<{ key: string } & OnlineRow>(
        LATEST_PER_KEY(incremental),
        incremental ? [view.name, rows[0]!.from_xid] : [view.name],
      ),
    );
    let keys = 0;
    let written = 0;
    for (;;) {
      const batch = await cursor.read(batchSize);
      if (batch.length === 0) break;
      keys += batch.length;
      written += await online.write(
        batch.map(({ key, t, c, v }) => ({ view: view.name, key, row: { t, c, v } })),
      );
    }
    await cursor.close();
    await client.query(
      `INSERT INTO materialization_watermarks (feature_view, from_xid) VALUES ($1, $2::xid8)
       ON CONFLICT (feature_view) DO UPDATE SET from_xid = excluded.from_xid, updated_at = now()`,
      [view.name, rows[0]!.next_xid],
    );
    return { feature_view: view.name, mode: options.mode, keys, written };
  });
}

/** Materializes the named views (all when none are named), one after the other. */
export async function materializeViews(
  pool: pg.Pool,
  online: OnlineStore,
  registry: Registry,
  names: string[] | undefined,
  options: MaterializeOptions,
): Promise<MaterializeReport[]> {
  const views = (names ?? [...registry.featureViews.keys()]).map((name) => {
    const view = registry.featureViews.get(name)?.spec;
    if (view === undefined) {
      throw new InputError('feature_view.unknown', `unknown feature view ${name}`, {
        details: { field: 'feature_views' },
      });
    }
    return view;
  });
  const reports: MaterializeReport[] = [];
  for (const view of views) reports.push(await materializeView(pool, online, view, options));
  return reports;
}
