import type pg from 'pg';
import Cursor from 'pg-cursor';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import { asOfJoin } from '../domain/as-of-join.ts';
import type { EntityRow, FeatureRow } from '../domain/as-of-join.ts';
import { compareKeys } from '../domain/compare-keys.ts';
import { decodeEntityKey, encodeEntityKey } from '../domain/entity-key.ts';
import { columnOf } from '../domain/feature-ref.ts';
import { EVENT_TIMESTAMP } from '../domain/parse-feature-row.ts';
import { parseEntityRow } from '../domain/parse-entity-row.ts';
import type { EntityDataframeRow } from '../domain/parse-entity-row.ts';
import type { Entity, Registry } from '../domain/registry-spec.ts';
import { joinKeysOf, resolveFeatures } from '../domain/resolve-features.ts';
import type {
  FeatureSelection,
  ResolvedFeatures,
  ViewSelection,
} from '../domain/resolve-features.ts';
import { featureRowsBetween, featureRowsOf } from './offline-store.ts';

export interface TrainingSet {
  id: string;
  feature_service: string | null;
  features: string[];
  /** The entities whose join keys the entity dataframe supplies, in column order. */
  entities: string[];
  row_count: number;
  cutoff: string;
  created_at: string;
}

const INSERT_ROWS = `INSERT INTO training_set_rows (training_set_id, row_no, entity_key, event_ts, extra)
  SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::jsonb[])`;
const BATCH = 5_000;

/**
 * Stores an entity dataframe as a training set of the selected features. Each row must carry
 * the join key of every entity of every selected view (each view joins on its own subset).
 * The join itself runs when the rows are read (streamTrainingSet), against the offline rows
 * that existed now.
 */
export async function createTrainingSet(
  pool: pg.Pool,
  registry: Registry,
  selection: FeatureSelection,
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  nowMs = Date.now(),
): Promise<TrainingSet> {
  const resolved = resolveFeatures(registry, selection);
  const joinKeys = joinKeysOf(resolved);
  const id = uuidv7();
  return withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO training_sets (id, feature_service, feature_service_version, features, entities, row_count, cutoff)
       VALUES ($1, $2, $3, $4, $5, 0, $6)`,
      [
        id,
        resolved.featureService?.name ?? null,
        resolved.featureService?.version ?? null,
        JSON.stringify(resolved.refs),
        joinKeys.map((e) => e.name),
        new Date(nowMs),
      ],
    );
    let batch: EntityDataframeRow[] = [];
    let count = 0;
    for await (const record of records) {
      batch.push(parseEntityRow(joinKeys, record, `rows[${count}]`, nowMs));
      count++;
      if (batch.length === BATCH) {
        await insertEntityRows(client, id, count - batch.length, batch);
        batch = [];
      }
    }
    await insertEntityRows(client, id, count - batch.length, batch);
    await client.query('UPDATE training_sets SET row_count = $2 WHERE id = $1', [id, count]);
    return getTrainingSet(client, id);
  });
}

async function insertEntityRows(
  client: pg.PoolClient,
  id: string,
  firstRowNo: number,
  rows: EntityDataframeRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(INSERT_ROWS, [
    id,
    rows.map((_, i) => firstRowNo + i),
    rows.map((r) => r.key),
    rows.map((r) => new Date(r.ts).toISOString()),
    rows.map((r) => JSON.stringify(r.extra)),
  ]);
}

export async function getTrainingSet(
  db: pg.Pool | pg.PoolClient,
  id: string,
): Promise<TrainingSet> {
  const { rows } = await db.query<TrainingSet>(
    `SELECT id, feature_service, features, entities, row_count::float8 AS row_count, cutoff, created_at
     FROM training_sets WHERE id = $1`,
    [id],
  );
  if (rows[0] === undefined)
    throw new NotFoundError('training_set.not_found', `no training set ${id}`);
  return rows[0];
}

interface StoredEntityRow extends EntityRow {
  extra: Record<string, unknown>;
}

const ENTITY_ROWS = `SELECT entity_key AS key, (extract(epoch FROM event_ts) * 1000)::float8 AS ts, extra
  FROM training_set_rows WHERE training_set_id = $1 ORDER BY entity_key, event_ts, row_no`;

/** Output rows of a training set: the entity row's columns, then one column per feature. */
export type TrainingRow = Record<string, unknown>;

/**
 * Streams a training set: entity rows are read in key order through a cursor, a chunk at a
 * time; for each chunk every view's offline rows of the chunk's keys are fetched and merged in
 * by asOfJoin (see joinInputsOf). Memory stays at one chunk whatever the size of the set.
 */
export async function* streamTrainingSet(
  pool: pg.Pool,
  registry: Registry,
  id: string,
  chunkRows = 10_000,
): AsyncGenerator<TrainingRow> {
  const set = await getTrainingSet(pool, id);
  const resolved = resolveFeatures(registry, { features: set.features });
  const joinKeys = joinKeysOf(resolved);
  const cutoff = new Date(set.cutoff);
  const client = await pool.connect();
  const cursor = client.query(new Cursor<StoredEntityRow>(ENTITY_ROWS, [id]));
  try {
    for (;;) {
      const chunk = await cursor.read(chunkRows);
      if (chunk.length === 0) break;
      yield* await joinChunk(pool, resolved, joinKeys, chunk, cutoff);
    }
  } finally {
    await cursor.close();
    client.release();
  }
}

async function joinChunk(
  pool: pg.Pool,
  resolved: ResolvedFeatures,
  joinKeys: Entity[],
  chunk: StoredEntityRow[],
  cutoff: Date,
): Promise<TrainingRow[]> {
  const keyValues = chunk.map((row) => decodeEntityKey(row.key, joinKeys.length));
  const out: TrainingRow[] = chunk.map((row, i) => ({
    ...Object.fromEntries(joinKeys.map((e, k) => [e.join_key, keyValues[i]![k]])),
    [EVENT_TIMESTAMP]: new Date(row.ts).toISOString(),
    ...row.extra,
  }));
  await Promise.all(
    resolved.views.map(async (selection) => {
      const { view, features } = selection;
      const { rows, featureRows } = await joinInputsOf(
        pool,
        selection,
        joinKeys,
        chunk,
        keyValues,
        cutoff,
      );
      let i = 0;
      for (const match of asOfJoin(rows, featureRows, view.ttl_seconds * 1000)) {
        const target = out[rows[i]!.index]!;
        for (const feature of features) {
          target[columnOf(`${view.name}:${feature.name}`)] =
            match.status === 'present' ? (match.row!.values[feature.name] ?? null) : null;
        }
        i++;
      }
    }),
  );
  return out;
}

/**
 * What one view's join walks for a chunk: the chunk's rows keyed by the view's own entities,
 * sorted by that key then time, and the view's offline rows of those keys. The chunk comes
 * sorted by the set's whole key, so a view keyed by all of it (in the same order) takes the
 * chunk as it is and reads one index range. A view keyed by a subset (a user's stats in a
 * (user, merchant) set) sorts the chunk by its own key (stably) and reads the chunk's keys.
 */
async function joinInputsOf(
  pool: pg.Pool,
  { view, entities }: ViewSelection,
  joinKeys: Entity[],
  chunk: StoredEntityRow[],
  keyValues: string[][],
  cutoff: Date,
): Promise<{ rows: (EntityRow & { index: number })[]; featureRows: FeatureRow[] }> {
  const positions = entities.map((entity) => joinKeys.findIndex((e) => e.name === entity.name));
  if (positions.length === joinKeys.length && positions.every((p, i) => p === i)) {
    return {
      rows: chunk.map((row, index) => ({ key: row.key, ts: row.ts, index })),
      featureRows: await featureRowsBetween(
        pool,
        view.name,
        chunk[0]!.key,
        chunk.at(-1)!.key,
        cutoff,
      ),
    };
  }
  const rows = chunk
    .map((row, index) => ({
      key: encodeEntityKey(positions.map((p) => keyValues[index]![p]!)),
      ts: row.ts,
      index,
    }))
    .sort((a, b) => compareKeys(a.key, b.key) || a.ts - b.ts);
  const keys = [...new Set(rows.map((row) => row.key))];
  return { rows, featureRows: await featureRowsOf(pool, view.name, keys, cutoff) };
}
