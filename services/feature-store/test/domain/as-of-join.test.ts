import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOfJoin } from '../../src/domain/as-of-join.ts';
import type { FeatureRow } from '../../src/domain/as-of-join.ts';
import { compareKeys } from '../../src/domain/compare-keys.ts';
import { encodeEntityKey } from '../../src/domain/entity-key.ts';
import { createOracle } from '../support/duckdb-oracle.ts';
import type { Oracle, OracleFeatureRow } from '../support/duckdb-oracle.ts';

// Few keys and few instants, so ties (same key and time) and exact TTL edges happen often.
const key = fc.constantFrom('a', 'b', 'c', 'é', '😀', '\uffff');
const instant = fc.integer({ min: 0, max: 40 });
const entityRows = fc.array(fc.record({ key, ts: instant }), { maxLength: 60 });
const featureRows = fc.array(
  fc.record({
    key,
    ts: instant,
    value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  }),
  {
    maxLength: 60,
  },
);
const ttl = fc.constantFrom(0, 1, 5, 20);

// Composite keys: two parts drawn from values that would collide under a naive `a:b` join
// ("a:b" + "c" and "a" + "b:c"), plus quotes, backslashes and non-BMP characters that the
// encoding must escape without changing which tuples are equal.
const part = fc.constantFrom('a', 'b:c', 'a:b', 'c', ':', '"', '\\', '😀', '\uffff');
const pair = fc.tuple(part, part);
const pairInstant = fc.integer({ min: 0, max: 20 });
const pairEntityRows = fc.array(fc.record({ keys: pair, ts: pairInstant }), { maxLength: 60 });
const pairFeatureRows = fc.array(
  fc.record({
    keys: pair,
    ts: pairInstant,
    value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  }),
  { maxLength: 80 },
);

const byKeyThenTime = (a: { key: string; ts: number }, b: { key: string; ts: number }) =>
  compareKeys(a.key, b.key) || a.ts - b.ts;

/** Our join over encoded keys, answered in the entity rows' original order as the oracle does. */
function ourAnswers(
  entities: { keys: string[]; ts: number }[],
  features: OracleFeatureRow[],
  ttlMs: number,
): { value: number | null; ts: number | null }[] {
  const sortedEntities = entities
    .map((row, index) => ({ key: encodeEntityKey(row.keys), ts: row.ts, index }))
    .sort(byKeyThenTime);
  // Sort keeps seq order within ties: the later row is the one that wins, as in the oracle.
  const rows: FeatureRow[] = features
    .map((row) => ({ key: encodeEntityKey(row.keys), ts: row.ts, seq: row.seq, value: row.value }))
    .sort((a, b) => byKeyThenTime(a, b) || a.seq - b.seq)
    .map((row) => ({ key: row.key, ts: row.ts, values: { x: row.value } }));
  const answers: { value: number | null; ts: number | null }[] = [];
  let i = 0;
  for (const match of asOfJoin(sortedEntities, rows, ttlMs)) {
    answers[sortedEntities[i++]!.index] =
      match.status === 'present'
        ? { value: match.row!.values.x as number | null, ts: match.row!.ts }
        : { value: null, ts: null };
  }
  return answers;
}

describe('asOfJoin', () => {
  let oracle: Oracle;
  beforeAll(async () => {
    oracle = await createOracle();
  });
  afterAll(() => oracle.close());

  it('agrees with DuckDB ASOF JOIN on random data with ties, nulls and TTL expiry', async () => {
    await fc.assert(
      fc.asyncProperty(entityRows, featureRows, ttl, async (rawEntities, rawFeatures, ttlMs) => {
        const entities = rawEntities.map((row) => ({ keys: [row.key], ts: row.ts }));
        const features: OracleFeatureRow[] = rawFeatures.map((row, seq) => ({
          keys: [row.key],
          ts: row.ts,
          seq,
          value: row.value,
        }));
        expect(ourAnswers(entities, features, ttlMs)).toEqual(
          await oracle.asOf(entities, features, ttlMs),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with DuckDB ASOF JOIN on two key columns for composite keys', async () => {
    await fc.assert(
      fc.asyncProperty(pairEntityRows, pairFeatureRows, ttl, async (entities, raw, ttlMs) => {
        const features: OracleFeatureRow[] = raw.map((row, seq) => ({ ...row, seq }));
        expect(ourAnswers(entities, features, ttlMs)).toEqual(
          await oracle.asOf(entities, features, ttlMs, 2),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never uses a row from after the entity row', () => {
    fc.assert(
      fc.property(entityRows, featureRows, ttl, (entities, rawFeatures, ttlMs) => {
        const sortedEntities = [...entities].sort(byKeyThenTime);
        const rows = [...rawFeatures]
          .sort(byKeyThenTime)
          .map((row) => ({ key: row.key, ts: row.ts, values: {} }));
        const matches = [...asOfJoin(sortedEntities, rows, ttlMs)];
        matches.forEach((match, i) => {
          if (match.row === undefined) return;
          expect(match.row.key).toBe(sortedEntities[i]!.key);
          expect(match.row.ts).toBeLessThanOrEqual(sortedEntities[i]!.ts);
        });
      }),
    );
  });

  it('tells missing from expired', () => {
    const rows = [{ key: 'a', ts: 10, values: { x: 1 } }];
    const entities = [
      { key: 'a', ts: 5 },
      { key: 'a', ts: 15 },
      { key: 'a', ts: 16 },
      { key: 'b', ts: 20 },
    ];
    expect([...asOfJoin(entities, rows, 5)].map((m) => m.status)).toEqual([
      'missing',
      'present',
      'expired',
      'missing',
    ]);
  });
});
