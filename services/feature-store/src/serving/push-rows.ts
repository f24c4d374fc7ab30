import type pg from 'pg';
import { InputError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import { insertRows } from '../adapters/offline-store.ts';
import type { IncomingRow } from '../domain/parse-feature-row.ts';
import type { OnlineStore } from '../adapters/online-store.ts';
import { parseFeatureRow } from '../domain/parse-feature-row.ts';
import type { Registry } from '../domain/registry-spec.ts';
import { entitiesOfView } from '../domain/resolve-features.ts';
import type { FeatureValuesPushed } from '../contracts.ts';

export type PushRows = (
  push: FeatureValuesPushed,
  nowMs?: number,
  /** The event's id when it came from Kafka: a replayed event writes no offline rows twice. */
  eventId?: string,
) => Promise<{ rows: number; online_written: number }>;

/**
 * Feast's push: validated rows go to the offline store (one statement: all or none) and to the
 * online store (written only where newer, so a replayed push changes nothing).
 */
export function createPushRows(
  pool: pg.Pool,
  online: OnlineStore,
  registry: () => Registry,
): PushRows {
  return async ({ feature_view, to, rows }, nowMs = Date.now(), eventId) => {
    const view = registry().featureViews.get(feature_view)?.spec;
    if (view === undefined) {
      throw new InputError('feature_view.unknown', `unknown feature view ${feature_view}`, {
        details: { field: 'feature_view' },
      });
    }
    const entities = entitiesOfView(registry(), view);
    const parsed = rows.map((record, i) =>
      parseFeatureRow(view, entities, record, `rows[${i}]`, nowMs),
    );
    if (to !== 'online') await insertOnce(pool, eventId, view.name, parsed);
    const written =
      to === 'offline'
        ? 0
        : await online.write(
            parsed.map((row) => ({
              view: view.name,
              key: row.key,
              row: { t: row.eventTs, c: row.createdTs, v: row.values },
            })),
          );
    return { rows: parsed.length, online_written: written };
  };
}

// Online writes are newer-only, so a replay changes nothing there; offline rows are appended,
// so an event's rows are inserted together with its id, or not at all when the id is known.
async function insertOnce(
  pool: pg.Pool,
  eventId: string | undefined,
  viewName: string,
  rows: IncomingRow[],
): Promise<void> {
  if (eventId === undefined) {
    await insertRows(pool, viewName, rows);
    return;
  }
  await withTransaction(pool, async (client) => {
    const first = await client.query(
      'INSERT INTO push_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING',
      [eventId],
    );
    if (first.rowCount === 1) await insertRows(client, viewName, rows);
  });
}
