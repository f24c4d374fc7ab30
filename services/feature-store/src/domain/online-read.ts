import { InputError } from '@scale-models/errors';
import { entityKeyOf } from './coerce-value.ts';
import { encodeEntityKey } from './entity-key.ts';
import { onlineValueOf } from './online-value.ts';
import type { OnlineRow, OnlineValue } from './online-value.ts';
import { joinKeysOf } from './resolve-features.ts';
import type { ResolvedFeatures } from './resolve-features.ts';

/** The most entity rows one request may ask for (Feast's servers have a similar bound). */
export const MAX_ENTITY_ROWS = 10_000;

export interface OnlineReadPlan {
  resolved: ResolvedFeatures;
  /** Join key → the request's keys, canonical, one per entity row. */
  keys: Map<string, string[]>;
  rowCount: number;
  /**
   * Every (view, key) to fetch, view-major: views[v] for row r is at v * rowCount + r. Each
   * view's key is made of its own entities' columns (encodeEntityKey).
   */
  pairs: { view: string; key: string }[];
}

/**
 * Checks a request's entity columns against the join keys of every requested view (present,
 * equally long, of the join key's type) and lists what to fetch. Errors name the field, e.g.
 * `entities.driver_id[3]`; nothing is read for a request that fails.
 */
export function planOnlineRead(
  resolved: ResolvedFeatures,
  entities: Record<string, unknown[]>,
): OnlineReadPlan {
  const needed = new Map(joinKeysOf(resolved).map((entity) => [entity.join_key, entity]));
  for (const column of Object.keys(entities)) {
    if (!needed.has(column)) {
      throw new InputError(
        'entity.unknown',
        `${column} is not the join key of any requested feature's entity`,
        {
          details: { field: `entities.${column}` },
        },
      );
    }
  }
  const keys = new Map<string, string[]>();
  let rowCount: number | undefined;
  for (const [joinKey, entity] of needed) {
    const column = entities[joinKey];
    if (column === undefined) {
      throw new InputError(
        'entity.missing_key',
        `entities.${joinKey} is required by the requested features`,
        {
          details: { field: `entities.${joinKey}` },
        },
      );
    }
    if (rowCount !== undefined && column.length !== rowCount) {
      throw new InputError(
        'entity.length_mismatch',
        `entities.${joinKey} has ${column.length} values, other columns ${rowCount}`,
        {
          details: { field: `entities.${joinKey}` },
        },
      );
    }
    rowCount = column.length;
    keys.set(
      joinKey,
      column.map((raw, i) => entityKeyOf(entity.value_type, raw, `entities.${joinKey}[${i}]`)),
    );
  }
  if (rowCount === undefined || rowCount === 0 || rowCount > MAX_ENTITY_ROWS) {
    throw new InputError('entity.row_count', `send between 1 and ${MAX_ENTITY_ROWS} entity rows`, {
      details: { field: 'entities' },
    });
  }
  const pairs = resolved.views.flatMap(({ view, entities }) =>
    viewKeysOf(
      entities.map((e) => keys.get(e.join_key)!),
      rowCount,
    ).map((key) => ({ view: view.name, key })),
  );
  return { resolved, keys, rowCount, pairs };
}

/** Per entity row, the key of a view whose entities' columns are `columns`. */
function viewKeysOf(columns: string[][], rowCount: number): string[] {
  if (columns.length === 1) return columns[0]!;
  return Array.from({ length: rowCount }, (_, r) => encodeEntityKey(columns.map((c) => c[r]!)));
}

/** The answer per entity row and requested feature (in `resolved.refs` order). */
export function onlineValuesOf(
  plan: OnlineReadPlan,
  rows: (OnlineRow | undefined)[],
  nowMs: number,
): OnlineValue[][] {
  const viewIndex = new Map(plan.resolved.views.map(({ view }, i) => [view.name, i]));
  const refs = plan.resolved.refs.map((ref) => {
    const [viewName, feature] = ref.split(':') as [string, string];
    const index = viewIndex.get(viewName)!;
    return { index, feature, ttlMs: plan.resolved.views[index]!.view.ttl_seconds * 1000 };
  });
  return Array.from({ length: plan.rowCount }, (_, r) =>
    refs.map(({ index, feature, ttlMs }) =>
      onlineValueOf(rows[index * plan.rowCount + r], feature, ttlMs, nowMs),
    ),
  );
}
