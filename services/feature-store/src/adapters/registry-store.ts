import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import { emptyRegistry, planApply } from '../domain/plan-apply.ts';
import { planDeletes } from '../domain/plan-deletes.ts';
import type { ModelLineage } from '../domain/plan-deletes.ts';
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

const LATEST = `SELECT DISTINCT ON (kind, name) kind, name, version, spec, deleted
  FROM registry_objects ORDER BY kind, name, version DESC`;

// Model versions and the features their training sets read: what `--prune` must not break.
const LINEAGE = `SELECT mv.model || ' v' || mv.version AS model, mv.feature_service, ts.features
  FROM model_versions mv LEFT JOIN training_sets ts ON ts.id = mv.training_set_id`;

interface ObjectRow {
  kind: RegistryKind;
  name: string;
  version: number;
  spec: Entity | FeatureView | FeatureService;
  deleted: boolean;
}

/** Reads the current version of every registry object (removed ones left out). */
export async function loadRegistry(db: pg.Pool | pg.PoolClient): Promise<Registry> {
  const { rows } = await db.query<ObjectRow>(LATEST);
  return registryOf(rows.filter((row) => !row.deleted));
}

function registryOf(rows: ObjectRow[]): Registry {
  const registry = emptyRegistry();
  for (const row of rows) {
    const versioned = { version: row.version, spec: row.spec };
    if (row.kind === 'entity') registry.entities.set(row.name, versioned as Versioned<Entity>);
    else if (row.kind === 'feature_view')
      registry.featureViews.set(row.name, versioned as Versioned<FeatureView>);
    else registry.featureServices.set(row.name, versioned as Versioned<FeatureService>);
  }
  return registry;
}

/**
 * Applies a spec atomically: every change is written, or (refused) none is. With `prune`, the
 * spec is the whole registry: objects it no longer declares are removed (Feast's `apply`).
 */
export async function applySpec(
  pool: pg.Pool,
  spec: RegistrySpec,
  { prune = false }: { prune?: boolean } = {},
): Promise<PlannedChange[]> {
  return withTransaction(pool, async (client) => {
    await client.query(`SELECT ${APPLY_LOCK}`);
    const { rows } = await client.query<ObjectRow>(LATEST);
    const current = registryOf(rows.filter((row) => !row.deleted));
    const changes = [
      ...planApply(current, spec, registryOf(rows.filter((row) => row.deleted))),
      ...(prune ? planDeletes(current, spec, await loadLineage(client)) : []),
    ];
    for (const change of changes) {
      await client.query(
        'INSERT INTO registry_objects (kind, name, version, spec, deleted) VALUES ($1, $2, $3, $4, $5)',
        [
          change.kind,
          change.name,
          change.version,
          JSON.stringify(change.spec),
          change.deleted ?? false,
        ],
      );
    }
    return changes;
  });
}

async function loadLineage(client: pg.PoolClient): Promise<ModelLineage[]> {
  const { rows } = await client.query<{
    model: string;
    feature_service: string | null;
    features: string[] | null;
  }>(LINEAGE);
  return rows.map((row) => ({
    model: row.model,
    ...(row.feature_service === null ? {} : { featureService: row.feature_service }),
    features: row.features ?? [],
  }));
}

/** Every version of one object, oldest first. */
export async function historyOf(
  pool: pg.Pool,
  kind: RegistryKind,
  name: string,
): Promise<(Versioned<unknown> & { deleted: boolean })[]> {
  const { rows } = await pool.query<{ version: number; spec: unknown; deleted: boolean }>(
    'SELECT version, spec, deleted FROM registry_objects WHERE kind = $1 AND name = $2 ORDER BY version',
    [kind, name],
  );
  return rows;
}
