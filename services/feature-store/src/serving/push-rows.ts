import type pg from 'pg';
import { InputError } from '@scale-models/errors';
import { insertRows } from '../adapters/offline-store.ts';
import type { OnlineStore } from '../adapters/online-store.ts';
import { parseFeatureRow } from '../domain/parse-feature-row.ts';
import type { Registry } from '../domain/registry-spec.ts';
import type { FeatureValuesPushed } from '../contracts.ts';

export type PushRows = (
  push: FeatureValuesPushed,
  nowMs?: number,
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
  return async ({ feature_view, to, rows }, nowMs = Date.now()) => {
    const view = registry().featureViews.get(feature_view)?.spec;
    if (view === undefined) {
      throw new InputError('feature_view.unknown', `unknown feature view ${feature_view}`, {
        details: { field: 'feature_view' },
      });
    }
    const entity = registry().entities.get(view.entity)!.spec;
    const parsed = rows.map((record, i) =>
      parseFeatureRow(view, entity, record, `rows[${i}]`, nowMs),
    );
    if (to !== 'online') await insertRows(pool, view.name, parsed);
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
