import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import { planApply } from '../domain/plan-apply.ts';
import type { PlannedChange } from '../domain/plan-apply.ts';
import type {
  Entity,
  FeatureService,
  FeatureView,
  Registry,
  RegistryKind,
  RegistrySpec,
  Versioned,
} from '../domain/registry-spec.ts';

// One writer at a time: two applies planned against the same registry could both pass checks.
const APPLY_LOCK = `pg_advisory_xact_lock(hashtextextended('feature-store.registry.apply', 0))`;

const CURRENT = `SELECT DISTINCT ON (kind, name) kind, name, version, spec
  FROM registry_objects ORDER BY kind, name, version DESC`;

interface ObjectRow {
  kind: RegistryKind;
  name: string;
  version: number;
  spec: Entity | FeatureView | FeatureService;
}

/** Reads the current version of every registry object. */
export async function loadRegistry(db: pg.Pool | pg.PoolClient): Promise<Registry> {
  const { rows } = await db.query<ObjectRow>(CURRENT);
  const registry: Registry = {
    entities: new Map(),
    featureViews: new Map(),
    featureServices: new Map(),
  };
  for (const row of rows) {
    const versioned = { version: row.version, spec: row.spec };
    if (row.kind === 'entity') registry.entities.set(row.name, versioned as Versioned<Entity>);
    else if (row.kind === 'feature_view')
      registry.featureViews.set(row.name, versioned as Versioned<FeatureView>);
    else registry.featureServices.set(row.name, versioned as Versioned<FeatureService>);
  }
  return registry;
}

/** Applies a spec atomically: every change is written, or (refused) none is. */
export async function applySpec(pool: pg.Pool, spec: RegistrySpec): Promise<PlannedChange[]> {
  return withTransaction(pool, async (client) => {
    await client.query(`SELECT ${APPLY_LOCK}`);
    const changes = planApply(await loadRegistry(client), spec);
    for (const change of changes) {
      await client.query(
        'INSERT INTO registry_objects (kind, name, version, spec) VALUES ($1, $2, $3, $4)',
        [change.kind, change.name, change.version, JSON.stringify(change.spec)],
      );
    }
    return changes;
  });
}

/** Every version of one object, oldest first. */
export async function historyOf(
  pool: pg.Pool,
  kind: RegistryKind,
  name: string,
): Promise<Versioned<unknown>[]> {
  const { rows } = await pool.query<{ version: number; spec: unknown }>(
    'SELECT version, spec FROM registry_objects WHERE kind = $1 AND name = $2 ORDER BY version',
    [kind, name],
  );
  return rows;
}
