import Table from 'cli-table3';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { createTestDatabase } from '@scale-models/testkit';
import { createPool, migrate } from '@scale-models/postgres';
import { v7 as uuidv7 } from 'uuid';
import { loadRegistry, applySpec } from '../src/adapters/registry-store.ts';
import { streamTrainingSet } from '../src/adapters/training-sets.ts';
import type { RegistrySpec } from '../src/domain/registry-spec.ts';
import { MIGRATIONS } from '../test/support/harness.ts';

const EVENTS_PER_KEY = 10;
const BASE_MS = Date.parse('2026-01-01T00:00:00Z');
const HOUR_MS = 3_600_000;
const TTL_MS = 2 * HOUR_MS;

/**
 * One training-set workload, as the same synthetic data in both engines: each key of each view
 * has EVENTS_PER_KEY rows, one an hour (offset by view), and each key of the set EVENTS_PER_KEY
 * entity rows, half an hour after each event. Every view has one float64 feature `x`.
 */
interface Workload {
  label: string;
  spec: RegistrySpec;
  /** The set's entities (join key order) and its feature references. */
  entities: string[];
  features: string[];
  /** PostgreSQL inserts: feature rows per view, and the entity rows ($1: the set's id). */
  featureInserts: string[];
  entityInsert: string;
  /** DuckDB: `CREATE TABLE … AS` of `entities` and of each view `v<i>`, and each view's key match. */
  duckTables: string[];
  duckKeyMatches: string[];
}

const view = (name: string, entities: string[]) => ({
  name,
  entities,
  ttl_seconds: TTL_MS / 1000,
  source: 'batch' as const,
  features: [{ name: 'x', dtype: 'float64' as const }],
});
const eventTs = (offsetMs: string) =>
  `to_timestamp((${BASE_MS} + e * ${HOUR_MS} + ${offsetMs}) / 1000.0)`;
const duckTs = (offsetMs: string) => `${BASE_MS} + e * ${HOUR_MS} + ${offsetMs}`;
const featureInsert = (viewName: string, key: string, keys: number, offsetMs: string) => `
  INSERT INTO feature_rows (feature_view, entity_key, event_ts, created_ts, values)
  SELECT '${viewName}', ${key}, ${eventTs(offsetMs)}, now(), jsonb_build_object('x', (k * 7 + e * 13) % 1000)
  FROM generate_series(0, ${keys - 1}) k, generate_series(0, ${EVENTS_PER_KEY - 1}) e`;

/** Five views of one entity (`user_id`), as in the issue that set the 1M-row target. */
function oneEntity(rows: number): Workload {
  const keys = rows / EVENTS_PER_KEY;
  const views = [0, 1, 2, 3, 4];
  return {
    label: '5 views of one entity',
    spec: {
      entities: [{ name: 'user', join_key: 'user_id', value_type: 'string' }],
      feature_views: views.map((v) => view(`v${v}`, ['user'])),
    },
    entities: ['user'],
    features: views.map((v) => `v${v}:x`),
    featureInserts: views.map((v) => featureInsert(`v${v}`, 'k::text', keys, `${v} * 60000`)),
    entityInsert: `INSERT INTO training_set_rows (training_set_id, row_no, entity_key, event_ts, extra)
      SELECT $1, k * ${EVENTS_PER_KEY} + e, k::text, ${eventTs('1800000')}, '{}'
      FROM generate_series(0, ${keys - 1}) k, generate_series(0, ${EVENTS_PER_KEY - 1}) e`,
    duckTables: [
      `entities AS SELECT k::VARCHAR AS key, ${duckTs('1800000')} AS ts FROM range(${keys}) t(k), range(${EVENTS_PER_KEY}) s(e)`,
      ...views.map(
        (v) =>
          `v${v} AS SELECT k::VARCHAR AS key, ${duckTs(`${v} * 60000`)} AS ts, ((k * 7 + e * 13) % 1000)::DOUBLE AS x FROM range(${keys}) t(k), range(${EVENTS_PER_KEY}) s(e)`,
      ),
    ],
    duckKeyMatches: views.map((v) => `entities.key = v${v}.key`),
  };
}

const MERCHANTS = 1_000;
const MERCHANTS_PER_USER = 10;

/**
 * A fraud set keyed by (user, merchant): a view of the pair (the set's whole key: one index
 * range per chunk), a view of the user and one of the merchant (subsets: each sorts the chunk
 * and reads its keys). Pair p is user p / 10 at merchant 7p mod 1000.
 */
function composite(rows: number): Workload {
  const pairs = rows / EVENTS_PER_KEY;
  const users = pairs / MERCHANTS_PER_USER;
  const user = `(k / ${MERCHANTS_PER_USER})`;
  const merchant = `((k * 7) % ${MERCHANTS})`;
  const pairKey = `'["' || ${user} || '","' || ${merchant} || '"]'`;
  const duckRange = (n: number) => `FROM range(${n}) t(k), range(${EVENTS_PER_KEY}) s(e)`;
  return {
    label: '(user, merchant), user, merchant views',
    spec: {
      entities: [
        { name: 'user', join_key: 'user_id', value_type: 'string' },
        { name: 'merchant', join_key: 'merchant_id', value_type: 'string' },
      ],
      feature_views: [
        view('v0', ['user', 'merchant']),
        view('v1', ['user']),
        view('v2', ['merchant']),
      ],
    },
    entities: ['user', 'merchant'],
    features: ['v0:x', 'v1:x', 'v2:x'],
    featureInserts: [
      featureInsert('v0', pairKey, pairs, '0'),
      featureInsert('v1', 'k::text', users, '60000'),
      featureInsert('v2', 'k::text', MERCHANTS, '120000'),
    ],
    entityInsert: `INSERT INTO training_set_rows (training_set_id, row_no, entity_key, event_ts, extra)
      SELECT $1, k * ${EVENTS_PER_KEY} + e, ${pairKey}, ${eventTs('1800000')}, '{}'
      FROM generate_series(0, ${pairs - 1}) k, generate_series(0, ${EVENTS_PER_KEY - 1}) e`,
    duckTables: [
      `entities AS SELECT ${user}::VARCHAR AS u, ${merchant}::VARCHAR AS m, ${duckTs('1800000')} AS ts ${duckRange(pairs)}`,
      `v0 AS SELECT ${user}::VARCHAR AS u, ${merchant}::VARCHAR AS m, ${duckTs('0')} AS ts, ((k * 7 + e * 13) % 1000)::DOUBLE AS x ${duckRange(pairs)}`,
      `v1 AS SELECT k::VARCHAR AS u, ${duckTs('60000')} AS ts, ((k * 7 + e * 13) % 1000)::DOUBLE AS x ${duckRange(users)}`,
      `v2 AS SELECT k::VARCHAR AS m, ${duckTs('120000')} AS ts, ((k * 7 + e * 13) % 1000)::DOUBLE AS x ${duckRange(MERCHANTS)}`,
    ],
    duckKeyMatches: [
      'entities.u = v0.u AND entities.m = v0.m',
      'entities.u = v1.u',
      'entities.m = v2.m',
    ],
  };
}

/**
 * Rows/s of the streamed point-in-time join for ROWS entity rows, and of DuckDB's ASOF JOIN on
 * the same data: five one-entity views, then a (user, merchant) set with a pair view and two
 * subset views.
 */
export async function benchTrainingSet(rows: number): Promise<void> {
  const table = new Table({
    head: ['training set', 'entity rows', 'feature rows', 'seconds', 'rows/s', 'RSS growth MiB'],
  });
  for (const workload of [oneEntity(rows), composite(rows)]) {
    const ours = await measureOurs(workload);
    const duck = await measureDuckDb(workload);
    table.push([
      `streamTrainingSet (PostgreSQL + TypeScript merge), ${workload.label}`,
      ours.rows,
      ours.featureRows,
      (ours.ms / 1000).toFixed(1),
      Math.round(ours.rows / (ours.ms / 1000)),
      (ours.rssGrowth / 2 ** 20).toFixed(0),
    ]);
    table.push([
      `DuckDB ASOF JOIN (in memory, same data, count(*) only), ${workload.label}`,
      duck.rows,
      ours.featureRows,
      (duck.ms / 1000).toFixed(1),
      Math.round(duck.rows / (duck.ms / 1000)),
      '',
    ]);
  }
  console.log(table.toString());
}

async function measureOurs(workload: Workload) {
  const database = await createTestDatabase('feature_store_bench');
  const pool = createPool(database.url);
  try {
    await migrate(pool, { directories: [MIGRATIONS] });
    await applySpec(pool, workload.spec);
    for (const sql of workload.featureInserts) await pool.query(sql);
    const id = await storeTrainingSet(pool, workload);
    await pool.query('ANALYZE');
    const { rows } = await pool.query<{ count: number }>(
      'SELECT count(*)::float8 AS count FROM feature_rows',
    );
    const registry = await loadRegistry(pool);
    const memoryBefore = process.memoryUsage().rss;
    let peak = memoryBefore;
    let count = 0;
    const started = performance.now();
    for await (const row of streamTrainingSet(pool, registry, id)) {
      if (row.user_id === undefined) throw new Error('a training row without its key');
      if (++count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const ms = performance.now() - started;
    return { rows: count, featureRows: rows[0]!.count, ms, rssGrowth: peak - memoryBefore };
  } finally {
    await pool.end();
    await database.drop();
  }
}

async function storeTrainingSet(pool: pg.Pool, workload: Workload): Promise<string> {
  const id = uuidv7();
  await pool.query(
    `INSERT INTO training_sets (id, features, entities, row_count, cutoff) VALUES ($1, $2, $3, 0, now())`,
    [id, JSON.stringify(workload.features), workload.entities],
  );
  await pool.query(workload.entityInsert, [id]);
  return id;
}

async function measureDuckDb(workload: Workload) {
  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  try {
    for (const sql of workload.duckTables) await connection.run(`CREATE TABLE ${sql}`);
    const views = workload.duckKeyMatches.map((_, v) => `v${v}`);
    const joins = views
      .map(
        (v, i) => `ASOF LEFT JOIN ${v} ON ${workload.duckKeyMatches[i]} AND entities.ts >= ${v}.ts`,
      )
      .join(' ');
    const columns = views
      .map((v) => `CASE WHEN entities.ts - ${v}.ts <= ${TTL_MS} THEN ${v}.x END`)
      .join(', ');
    const started = performance.now();
    const result = await connection.runAndReadAll(
      `SELECT count(*) FROM (SELECT entities.ts, ${columns} FROM entities ${joins})`,
    );
    return { rows: Number(result.getRows()[0]![0]), ms: performance.now() - started };
  } finally {
    connection.closeSync();
    duck.closeSync();
  }
}
