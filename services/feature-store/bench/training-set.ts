import Table from 'cli-table3';
import { DuckDBInstance } from '@duckdb/node-api';
import { createTestDatabase } from '@scale-models/testkit';
import { createPool, migrate } from '@scale-models/postgres';
import { v7 as uuidv7 } from 'uuid';
import { loadRegistry, applySpec } from '../src/adapters/registry-store.ts';
import { streamTrainingSet } from '../src/adapters/training-sets.ts';
import { MIGRATIONS } from '../test/support/harness.ts';

const VIEWS = 5;
const EVENTS_PER_KEY = 10;
const BASE_MS = Date.parse('2026-01-01T00:00:00Z');
const HOUR_MS = 3_600_000;

// The same synthetic data in both engines: key k has EVENTS_PER_KEY rows per view, one an hour
// (offset by view), and EVENTS_PER_KEY entity rows half an hour after each event.
const featureSql = (view: number) => `
  INSERT INTO feature_rows (feature_view, entity_key, event_ts, created_ts, values)
  SELECT 'v${view}', k::text, to_timestamp((${BASE_MS} + e * ${HOUR_MS} + ${view} * 60000) / 1000.0), now(),
         jsonb_build_object('x', (k * 7 + e * 13 + ${view}) % 1000)
  FROM generate_series(0, $1 - 1) k, generate_series(0, ${EVENTS_PER_KEY - 1}) e`;

/** Rows/s of the streamed point-in-time join for ROWS entity rows × 5 views, and DuckDB's ASOF JOIN. */
export async function benchTrainingSet(rows: number): Promise<void> {
  const keys = rows / EVENTS_PER_KEY;
  const database = await createTestDatabase('feature_store_bench');
  const pool = createPool(database.url);
  await migrate(pool, { directories: [MIGRATIONS] });
  await applySpec(pool, {
    entities: [{ name: 'user', join_key: 'user_id', value_type: 'string' }],
    feature_views: Array.from({ length: VIEWS }, (_, v) => ({
      name: `v${v}`,
      entities: ['user'],
      ttl_seconds: 7200,
      source: 'batch' as const,
      features: [{ name: 'x', dtype: 'float64' as const }],
    })),
  });
  for (let v = 0; v < VIEWS; v++) await pool.query(featureSql(v), [keys]);
  const id = uuidv7();
  await pool.query(
    `INSERT INTO training_sets (id, features, entities, row_count, cutoff) VALUES ($1, $2, '{user}', $3, now())`,
    [id, JSON.stringify(Array.from({ length: VIEWS }, (_, v) => `v${v}:x`)), rows],
  );
  await pool.query(
    `INSERT INTO training_set_rows (training_set_id, row_no, entity_key, event_ts, extra)
     SELECT $1, k * ${EVENTS_PER_KEY} + e, k::text, to_timestamp((${BASE_MS} + e * ${HOUR_MS} + 1800000) / 1000.0), '{}'
     FROM generate_series(0, $2 - 1) k, generate_series(0, ${EVENTS_PER_KEY - 1}) e`,
    [id, keys],
  );
  await pool.query('ANALYZE');
  const registry = await loadRegistry(pool);
  const memoryBefore = process.memoryUsage().rss;
  let peak = memoryBefore;
  let count = 0;
  let started = performance.now();
  for await (const row of streamTrainingSet(pool, registry, id)) {
    if (row.user_id === undefined) throw new Error('a training row without its key');
    if (++count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ours = performance.now() - started;

  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  for (let v = 0; v < VIEWS; v++) {
    await connection.run(`CREATE TABLE v${v} AS SELECT k::VARCHAR AS key, ${BASE_MS} + e * ${HOUR_MS} + ${v} * 60000 AS ts, ((k * 7 + e * 13 + ${v}) % 1000)::DOUBLE AS x
      FROM range(${keys}) t(k), range(${EVENTS_PER_KEY}) s(e)`);
  }
  await connection.run(
    `CREATE TABLE entities AS SELECT k::VARCHAR AS key, ${BASE_MS} + e * ${HOUR_MS} + 1800000 AS ts FROM range(${keys}) t(k), range(${EVENTS_PER_KEY}) s(e)`,
  );
  const joins = Array.from(
    { length: VIEWS },
    (_, v) => `ASOF LEFT JOIN v${v} ON entities.key = v${v}.key AND entities.ts >= v${v}.ts`,
  ).join(' ');
  const columns = Array.from(
    { length: VIEWS },
    (_, v) => `CASE WHEN entities.ts - v${v}.ts <= 7200000 THEN v${v}.x END`,
  ).join(', ');
  started = performance.now();
  const result = await connection.runAndReadAll(
    `SELECT count(*) FROM (SELECT entities.key, entities.ts, ${columns} FROM entities ${joins})`,
  );
  const duckMs = performance.now() - started;
  const duckRows = Number(result.getRows()[0]![0]);

  const table = new Table({
    head: ['training set', 'entity rows', 'feature rows', 'seconds', 'rows/s', 'RSS growth MiB'],
  });
  table.push([
    `streamTrainingSet (PostgreSQL + TypeScript merge), ${VIEWS} views`,
    count,
    rows * VIEWS,
    (ours / 1000).toFixed(1),
    Math.round(count / (ours / 1000)),
    ((peak - memoryBefore) / 2 ** 20).toFixed(0),
  ]);
  table.push([
    `DuckDB ASOF JOIN (in memory, same data, count(*) only)`,
    duckRows,
    rows * VIEWS,
    (duckMs / 1000).toFixed(1),
    Math.round(duckRows / (duckMs / 1000)),
    '',
  ]);
  console.log(table.toString());
  connection.closeSync();
  duck.closeSync();
  await pool.end();
  await database.drop();
}
