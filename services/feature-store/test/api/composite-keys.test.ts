import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRecords } from '../../src/adapters/offline-store.ts';
import { readSourceFile } from '../../src/adapters/source-file.ts';
import { streamTrainingSet } from '../../src/adapters/training-sets.ts';
import { entitiesOfView } from '../../src/domain/resolve-features.ts';
import { createOracle } from '../support/duckdb-oracle.ts';
import type { Oracle, OracleFeatureRow } from '../support/duckdb-oracle.ts';
import { EXAMPLE_REGISTRY, HOUR } from '../support/fixtures.ts';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { countOf } from '../support/responses.ts';
import type { ApplyResponse, Problem, TrainingSet } from '../support/responses.ts';

const BASE = Date.parse('2026-01-01T00:00:00Z');
const DAY = 24 * HOUR;
const USERS = [1, 2, 3];
// Merchant ids with the characters a key encoding could trip on.
const MERCHANTS = ['a', 'a:b', 'b"c', '😀'];

/** A small seeded generator: the same random data on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('composite join keys: registry, ingestion and training sets', () => {
  let h: Harness;
  let oracle: Oracle;
  let folder: string;
  beforeAll(async () => {
    h = await startHarness();
    oracle = await createOracle();
    folder = await mkdtemp(join(tmpdir(), 'feature-store-composite-'));
  });
  afterAll(async () => {
    oracle.close();
    await h.close();
    await rm(folder, { recursive: true, force: true });
  });

  const post = (url: string, payload: unknown, contentType = 'application/json') =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { ...authHeaders, 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const offlineRows = () => countOf(h.pool, 'SELECT count(*) FROM feature_rows');

  it('applies the example registry YAML, and refuses changing a view’s entities', async () => {
    const applied = await post(
      '/v1/apply',
      await readFile(EXAMPLE_REGISTRY, 'utf8'),
      'application/yaml',
    );
    expect(applied.statusCode).toBe(200);
    expect(applied.json<ApplyResponse>().changes).toContainEqual({
      kind: 'feature_view',
      name: 'user_merchant_stats',
      version: 1,
    });
    const registry = (await h.app.inject({ url: '/v1/registry', headers: authHeaders })).json<{
      feature_views: { name: string; entities: string[] }[];
    }>();
    expect(registry.feature_views.find((v) => v.name === 'user_merchant_stats')?.entities).toEqual([
      'user',
      'merchant',
    ]);

    const objects = () => countOf(h.pool, 'SELECT count(*) FROM registry_objects');
    const before = await objects();
    const view = h.store.registry.current().featureViews.get('user_merchant_stats')!.spec;
    const reordered = await post('/v1/apply', {
      feature_views: [{ ...view, entities: ['merchant', 'user'] }],
    });
    expect(reordered.statusCode).toBe(409);
    expect(reordered.json<Problem>()).toMatchObject({
      code: 'registry.incompatible_change',
      field: 'entities',
    });
    const unknown = await post('/v1/apply', {
      feature_views: [{ ...view, name: 'user_shop_stats', entities: ['user', 'shop'] }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<Problem>()).toMatchObject({
      code: 'registry.unknown_entity',
      field: 'feature_views.user_shop_stats.entities[1]',
    });
    const empty = await post('/v1/apply', { feature_views: [{ ...view, entities: [] }] });
    expect(empty.statusCode).toBe(400);
    expect(await objects()).toBe(before);
  });

  it.each([
    ['a missing join key', `\n7,,${BASE},1,2.5`, 'entity.missing_key', 'merchant_id'],
    ['a wrong join key type', `\nseven,m,${BASE},1,2.5`, 'feature.wrong_type', 'user_id'],
  ])(
    'refuses a CSV row with %s after 2,500 good ones, writing none',
    async (_name, badLine, code, column) => {
      const before = await offlineRows();
      const good = Array.from({ length: 2500 }, (_, i) => `${i},m${i},${BASE},1,2.5`).join('\n');
      const response = await post(
        '/v1/feature-views/user_merchant_stats/rows',
        `user_id,merchant_id,event_timestamp,txn_count,amount_sum\n${good}${badLine}`,
        'text/csv',
      );
      expect(response.statusCode).toBe(400);
      expect(response.json<Problem>()).toMatchObject({ code, field: `rows[2500].${column}` });
      expect(await offlineRows()).toBe(before);
    },
  );

  it('ingests Parquet rows carrying both keys, and refuses one missing a key whole', async () => {
    const registry = h.store.registry.current();
    const view = registry.featureViews.get('user_merchant_stats')!.spec;
    const write = (name: string, merchants: (string | null)[]) => {
      const filename = join(folder, name);
      parquetWriteFile({
        filename,
        rowGroupSize: 2,
        columnData: [
          { name: 'user_id', data: merchants.map((_, i) => BigInt(900 + i)), type: 'INT64' },
          { name: 'merchant_id', data: merchants, type: 'STRING' },
          { name: 'event_timestamp', data: merchants.map(() => new Date(BASE)), type: 'TIMESTAMP' },
          { name: 'txn_count', data: merchants.map(() => 3n), type: 'INT64' },
        ],
      });
      return ingestRecords(h.pool, view, entitiesOfView(registry, view), readSourceFile(filename));
    };
    expect(await write('good.parquet', ['p', 'q', 'r'])).toBe(3);
    const { rows } = await h.pool.query<{ entity_key: string }>(
      "SELECT entity_key FROM feature_rows WHERE feature_view = 'user_merchant_stats' AND entity_key LIKE '[\"90%' ORDER BY 1",
    );
    expect(rows.map((r) => r.entity_key)).toEqual(['["900","p"]', '["901","q"]', '["902","r"]']);

    const before = await offlineRows();
    await expect(write('bad.parquet', ['p', 'q', null])).rejects.toMatchObject({
      code: 'entity.missing_key',
      details: { field: 'rows[2].merchant_id' },
    });
    expect(await offlineRows()).toBe(before);
  });

  it('joins a composite view and a one-entity view as DuckDB ASOF JOIN does, with ties, missing values and TTL expiry', async () => {
    const next = random(7);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
    const stored: Record<string, OracleFeatureRow[]> = { pair: [], user: [] };
    // Two ingestions with equal event times: ties are broken by created time (the second wins).
    for (const [batch, created] of [
      [0, BASE + 40 * DAY],
      [1, BASE + 41 * DAY],
    ] as const) {
      const pairRows = Array.from({ length: 200 }, () => ({
        user_id: pick(USERS),
        merchant_id: pick(MERCHANTS),
        event_timestamp: BASE + Math.floor(next() * 30) * DAY,
        created_timestamp: created,
        txn_count: Math.floor(next() * 50),
        amount_sum: next() < 0.15 ? null : Math.round(next() * 10_000) / 100,
      }));
      const userRows = Array.from({ length: 30 }, () => ({
        user_id: pick(USERS),
        event_timestamp: BASE + Math.floor(next() * 30) * DAY,
        created_timestamp: created,
        account_age_days: Math.floor(next() * 1000),
      }));
      expect((await post('/v1/feature-views/user_merchant_stats/rows', pairRows)).statusCode).toBe(
        201,
      );
      expect((await post('/v1/feature-views/user_stats/rows', userRows)).statusCode).toBe(201);
      pairRows.forEach((row, i) =>
        stored.pair!.push({
          keys: [String(row.user_id), row.merchant_id],
          ts: row.event_timestamp,
          seq: batch * 1000 + i,
          value: row.amount_sum,
        }),
      );
      userRows.forEach((row, i) =>
        stored.user!.push({
          keys: [String(row.user_id)],
          ts: row.event_timestamp,
          seq: batch * 1000 + i,
          value: row.account_age_days,
        }),
      );
    }
    const entities = Array.from({ length: 400 }, (_, i) => ({
      user_id: pick([...USERS, 4]),
      merchant_id: pick([...MERCHANTS, 'never-seen']),
      event_timestamp: BASE + Math.floor(next() * 34) * DAY,
      label: i % 2,
    }));
    const created = await post('/v1/training-sets?feature_service=fraud_signals', entities);
    expect(created.statusCode).toBe(201);
    const set = created.json<TrainingSet>();
    expect(set).toMatchObject({ entities: ['user', 'merchant'], row_count: 400 });

    const csv = await h.app.inject({
      headers: authHeaders,
      url: `/v1/training-sets/${set.id}/rows`,
    });
    const rows = parse<Record<string, string>>(csv.body, { columns: true });
    const pairAnswers = await oracle.asOf(
      entities.map((e) => ({ keys: [String(e.user_id), e.merchant_id], ts: e.event_timestamp })),
      stored.pair!,
      7 * DAY,
      2,
    );
    const userAnswers = await oracle.asOf(
      entities.map((e) => ({ keys: [String(e.user_id)], ts: e.event_timestamp })),
      stored.user!,
      0,
    );
    // A row as comparable text; a missing value (null, or an empty CSV cell) is ''.
    const line = (cells: unknown[]) =>
      cells.map((c) => (typeof c === 'string' || typeof c === 'number' ? String(c) : '')).join('|');
    const expected = entities.map((e, i) =>
      line([
        e.user_id,
        e.merchant_id,
        new Date(e.event_timestamp).toISOString(),
        e.label,
        pairAnswers[i]!.value,
        userAnswers[i]!.value,
      ]),
    );
    // A training row as the line the expected rows are compared by.
    const rowLine = (r: Record<string, unknown>) =>
      line([
        r.user_id,
        r.merchant_id,
        r.event_timestamp,
        r.label,
        r.user_merchant_stats__amount_sum,
        r.user_stats__account_age_days,
      ]);
    const actual = rows.map(rowLine);
    expect(actual.sort()).toEqual(expected.sort());
    // The data exercises what it claims: matches, expiries and misses on the composite view.
    const pairStored = (i: number) =>
      stored.pair!.some(
        (f) => f.keys.join() === `${entities[i]!.user_id},${entities[i]!.merchant_id}`,
      );
    expect(pairAnswers.some((a) => a.value !== null)).toBe(true);
    expect(entities.some((e, i) => pairStored(i) && pairAnswers[i]!.ts === null)).toBe(true);
    expect(entities.some((_, i) => !pairStored(i))).toBe(true);

    // Chunks of 7 entity rows: each view sorts a chunk by its own key; the answer is the same.
    const chunked: string[] = [];
    for await (const r of streamTrainingSet(h.pool, h.store.registry.current(), set.id, 7))
      chunked.push(rowLine(r));
    expect(chunked.sort()).toEqual(expected.sort());
  });

  it.each([
    [[{ user_id: 1, event_timestamp: BASE }], 'entity.missing_key', 'rows[1].merchant_id'],
    [
      [{ user_id: 1, merchant_id: 5, event_timestamp: BASE }],
      'feature.wrong_type',
      'rows[1].merchant_id',
    ],
  ])(
    'refuses an entity dataframe whose row %j lacks a requested view’s key, writing nothing',
    async (badRows, code, field) => {
      const sets = () => countOf(h.pool, 'SELECT count(*) FROM training_sets');
      const before = await sets();
      const response = await post('/v1/training-sets?features=user_merchant_stats:txn_count', [
        { user_id: 1, merchant_id: 'a', event_timestamp: BASE },
        ...badRows,
      ]);
      expect(response.statusCode).toBe(400);
      expect(response.json<Problem>()).toMatchObject({ code, field });
      expect(await sets()).toBe(before);
    },
  );
});
