import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamTrainingSet } from '../../src/adapters/training-sets.ts';
import { createOracle } from '../support/duckdb-oracle.ts';
import type { Oracle, OracleFeatureRow } from '../support/duckdb-oracle.ts';
import { authHeaders, startHarness, trainingSetNdjson } from '../support/harness.ts';
import { countOf } from '../support/responses.ts';
import type { TrainingSet } from '../support/responses.ts';
import type { Harness } from '../support/harness.ts';

// String keys, including characters whose UTF-16 order differs from their code point order:
// the join's key order must match PostgreSQL's "C" collation exactly.
const SPEC = {
  entities: [{ name: 'user', join_key: 'user_id', value_type: 'string' }],
  feature_views: [
    {
      name: 'clicks',
      entities: ['user'],
      ttl_seconds: 50,
      features: [{ name: 'score', dtype: 'float64' }],
    },
    {
      name: 'spend',
      entities: ['user'],
      ttl_seconds: 0,
      features: [{ name: 'total', dtype: 'float64' }],
    },
  ],
};
const KEYS = ['a', 'b', 'B', 'é', '😀', '\uffff', 'z z', 'k,1'];
const BASE = Date.parse('2026-01-01T00:00:00Z');

/** A small seeded generator: the same random data on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('point-in-time training sets through PostgreSQL', () => {
  let h: Harness;
  let oracle: Oracle;
  beforeAll(async () => {
    h = await startHarness({ registry: SPEC });
    oracle = await createOracle();
  });
  afterAll(async () => {
    oracle.close();
    await h.close();
  });

  const ingest = (view: string, rows: Record<string, unknown>[]) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/feature-views/${view}/rows`,
      headers: authHeaders,
      payload: rows,
    });

  it('matches DuckDB ASOF JOIN on random data with ties, missing values and TTL expiry', async () => {
    const next = random(42);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
    const stored: Record<string, OracleFeatureRow[]> = { clicks: [], spend: [] };
    // Two ingestions, so ties in event time are broken by created time (the second batch wins).
    for (const [batch, created] of [
      [0, BASE + 500_000],
      [1, BASE + 600_000],
    ] as const) {
      for (const view of ['clicks', 'spend'] as const) {
        const feature = view === 'clicks' ? 'score' : 'total';
        const rows = Array.from({ length: 150 }, () => ({
          user_id: pick(KEYS),
          event_timestamp: BASE + Math.floor(next() * 300) * 1000,
          created_timestamp: created,
          [feature]: next() < 0.15 ? '' : Math.round(next() * 1000) / 10,
        }));
        expect((await ingest(view, rows)).statusCode).toBe(201);
        rows.forEach((row, i) => {
          const value = row[feature] === '' ? null : (row[feature] as number);
          stored[view]!.push({
            keys: [row.user_id],
            ts: row.event_timestamp,
            seq: batch * 1000 + i,
            value,
          });
        });
      }
    }
    const entities = Array.from({ length: 400 }, (_, i) => ({
      user_id: pick(KEYS),
      event_timestamp: BASE + Math.floor(next() * 320) * 1000,
      label: i % 2,
    }));
    const csv = [
      'user_id,event_timestamp,label',
      ...entities.map((e) => `"${e.user_id}",${e.event_timestamp},${e.label}`),
    ].join('\n');
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/training-sets?features=clicks:score,spend:total',
      headers: { ...authHeaders, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(created.statusCode).toBe(201);
    const { id, row_count } = created.json<TrainingSet>();
    expect(row_count).toBe(400);

    const response = await h.app.inject({
      headers: authHeaders,
      url: `/v1/training-sets/${id}/rows`,
    });
    expect(response.headers['content-type']).toContain('text/csv');
    const rows = parse<Record<string, string>>(response.body, { columns: true });
    expect(rows).toHaveLength(400);

    // The oracle answers in entity order; the store answers sorted by key and time, so match
    // rows up by (key, time, label) multiset.
    const entityRows = entities.map((e) => ({ keys: [e.user_id], ts: e.event_timestamp }));
    const expectedClicks = await oracle.asOf(entityRows, stored.clicks!, 50_000);
    const expectedSpend = await oracle.asOf(entityRows, stored.spend!, 0);
    const expected = entities.map((e, i) =>
      [
        e.user_id,
        new Date(e.event_timestamp).toISOString(),
        String(e.label),
        cell(expectedClicks[i]!.value),
        cell(expectedSpend[i]!.value),
      ].join('|'),
    );
    const actual = rows.map((r) =>
      [r.user_id, r.event_timestamp, r.label, r.clicks__score, r.spend__total].join('|'),
    );
    expect(actual.sort()).toEqual(expected.sort());
    expect(expectedClicks.some((a) => a.value === null)).toBe(true);

    // Chunks of 7 entity rows split keys across chunks; the join must not notice.
    const chunked: Record<string, unknown>[] = [];
    for await (const row of streamTrainingSet(h.pool, h.store.registry.current(), id, 7))
      chunked.push(row);
    expect(
      chunked
        .map((r) =>
          [
            r.user_id,
            r.event_timestamp,
            r.label,
            cell(r.clicks__score as number | null),
            cell(r.spend__total as number | null),
          ].join('|'),
        )
        .sort(),
    ).toEqual(actual);
  });

  it('is reproducible: rows ingested after the training set do not change it', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/training-sets?features=spend:total',
      headers: authHeaders,
      payload: [{ user_id: 'a', event_timestamp: BASE + 400_000 }],
    });
    const id = created.json<TrainingSet>().id;
    const before = await trainingSetNdjson(h.app, id);
    await ingest('spend', [{ user_id: 'a', event_timestamp: BASE + 399_000, total: 123456 }]);
    const after = await trainingSetNdjson(h.app, id);
    expect(after).toBe(before);
    expect((JSON.parse(before.trim()) as Record<string, unknown>).spend__total).not.toBe(123456);
  });

  it('refuses an entity dataframe with a bad timestamp, writing nothing', async () => {
    const count = () => countOf(h.pool, 'SELECT count(*) FROM training_sets');
    const before = await count();
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/training-sets?features=spend:total',
      headers: authHeaders,
      payload: [
        { user_id: 'a', event_timestamp: BASE },
        { user_id: 'b', event_timestamp: 'yesterday' },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'timestamp.unparsable',
      field: 'rows[1].event_timestamp',
    });
    expect(await count()).toBe(before);
  });

  it('answers 404 for an unknown training set and 400 for unknown features', async () => {
    expect(
      (
        await h.app.inject({
          headers: authHeaders,
          url: '/v1/training-sets/0190a000-0000-7000-8000-000000000000/rows',
        })
      ).statusCode,
    ).toBe(404);
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/v1/training-sets?features=spend:nope',
      headers: authHeaders,
      payload: [],
    });
    expect(unknown.json()).toMatchObject({ code: 'feature.unknown', feature: 'spend:nope' });
  });
});

function cell(value: number | null): string {
  return value === null ? '' : String(value);
}
