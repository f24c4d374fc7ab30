import { join } from 'node:path';
import type pg from 'pg';
import { createPool, migrate } from '@scale-models/postgres';
import { createTestDatabase } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySpec, loadRegistry } from '../../src/adapters/registry-store.ts';
import { getTrainingSet } from '../../src/adapters/training-sets.ts';
import { MIGRATIONS } from '../support/harness.ts';

const BEFORE_COMPOSITE_KEYS = [
  '0001_create_feature_store.sql',
  '0002_registry_deletes.sql',
  '0003_push_events.sql',
];
const DRIVER = { name: 'driver', join_key: 'driver_id', value_type: 'int64' } as const;
const OLD_VIEW = {
  name: 'driver_stats',
  entity: 'driver',
  ttl_seconds: 3600,
  source: 'batch',
  features: [{ name: 'trips', dtype: 'int64' }],
} as const;
const TRAINING_SET = '0190a000-0000-7000-8000-000000000001';

describe('migration 0004 (composite keys) on a registry written before it', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase('feature_store');
    pool = createPool(database.url);
    await migrate(pool, { files: BEFORE_COMPOSITE_KEYS.map((name) => join(MIGRATIONS, name)) });
    await pool.query(
      `INSERT INTO registry_objects (kind, name, version, spec) VALUES
         ('entity', 'driver', 1, $1), ('feature_view', 'driver_stats', 1, $2)`,
      [DRIVER, OLD_VIEW],
    );
    await pool.query(
      `INSERT INTO training_sets (id, features, entity, row_count, cutoff)
       VALUES ($1, '["driver_stats:trips"]', 'driver', 0, now())`,
      [TRAINING_SET],
    );
    await migrate(pool, { directories: [MIGRATIONS] });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('turns a view’s entity into a one-entity list, which the same spec re-applies as is', async () => {
    const view = (await loadRegistry(pool)).featureViews.get('driver_stats')!;
    const { entity, ...rest } = OLD_VIEW;
    expect(view).toEqual({ version: 1, spec: { ...rest, entities: [entity] } });
    const changes = await applySpec(pool, {
      entities: [DRIVER],
      feature_views: [{ ...rest, features: [...rest.features], entities: [entity] }],
    });
    expect(changes).toEqual([]);
  });

  it('gives a stored training set its entity list', async () => {
    expect((await getTrainingSet(pool, TRAINING_SET)).entities).toEqual(['driver']);
  });
});
