import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../src/domain/graph/connected-components.ts';
import { candidatePairs } from '../src/domain/matching/blocking.ts';
import type { AgreementLevel, ComparisonVector } from '../src/domain/matching/compare-records.ts';
import { estimateModel } from '../src/domain/matching/estimate-model.ts';
import { decide, scoreVector } from '../src/domain/matching/fellegi-sunter.ts';
import type { LevelProbabilities, MatchModel } from '../src/domain/matching/fellegi-sunter.ts';
import { linkRecords } from '../src/domain/matching/link-records.ts';
import { MATCH_FIELDS } from '../src/domain/matching/match-record.ts';
import type { MatchField } from '../src/domain/matching/match-record.ts';
import { prepareRecord } from '../src/domain/matching/prepare-record.ts';
import { seededRandom } from '@scale-models/seeded-random';
import { generateRecords } from '../bench/accuracy/generate-people.ts';

const TRUE_M: LevelProbabilities = [0.05, 0.1, 0.85];
const TRUE_U: LevelProbabilities = [0.85, 0.1, 0.05];

function sample(random: () => number, p: LevelProbabilities): AgreementLevel {
  const r = random();
  return r < p[0] ? 0 : r < p[0] + p[1] ? 1 : 2;
}

/** Vectors drawn from a known model: EM must find it again without labels. */
function vectorsFrom(
  seed: number,
  n: number,
  lambda: number,
): { vectors: ComparisonVector[]; labels: boolean[] } {
  const random = seededRandom(seed);
  const vectors: ComparisonVector[] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const match = random() < lambda;
    const vector = {} as ComparisonVector;
    for (const field of MATCH_FIELDS)
      vector[field] = random() < 0.1 ? null : sample(random, match ? TRUE_M : TRUE_U);
    vectors.push(vector);
    labels.push(match);
  }
  return { vectors, labels };
}

describe('EM estimation of m and u', () => {
  it('recovers the parameters that generated the vectors', () => {
    const { vectors } = vectorsFrom(7, 20_000, 0.2);
    const { model, converged } = estimateModel(vectors);
    expect(converged).toBe(true);
    expect(model.lambda).toBeCloseTo(0.2, 1);
    for (const field of MATCH_FIELDS) {
      expect(model.m[field][2]).toBeCloseTo(TRUE_M[2], 1);
      expect(model.u[field][0]).toBeCloseTo(TRUE_U[0], 1);
    }
  });

  it('for any seed and prior: probabilities sum to 1, agreement is evidence for a match', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        (seed, lambda) => {
          const { model } = estimateModel(vectorsFrom(seed, 3_000, lambda).vectors);
          for (const field of MATCH_FIELDS) {
            for (const p of [model.m[field], model.u[field]])
              expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 9);
            expect(model.m[field][2] / model.u[field][2]).toBeGreaterThan(1);
            expect(model.m[field][0] / model.u[field][0]).toBeLessThan(1);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('classifies the generated pairs well with the estimated model', () => {
    const { vectors, labels } = vectorsFrom(11, 10_000, 0.1);
    const { model } = estimateModel(vectors);
    const wrong = vectors.filter(
      (vector, i) => (decide(scoreVector(model, vector)) === 'match') !== labels[i],
    ).length;
    expect(wrong / vectors.length).toBeLessThan(0.03);
  });
});

describe('Fellegi-Sunter scoring', () => {
  const model: MatchModel = {
    lambda: 0.01,
    m: Object.fromEntries(MATCH_FIELDS.map((f) => [f, [0.1, 0.1, 0.8]])) as Record<
      MatchField,
      LevelProbabilities
    >,
    u: Object.fromEntries(MATCH_FIELDS.map((f) => [f, [0.8, 0.1, 0.1]])) as Record<
      MatchField,
      LevelProbabilities
    >,
  };
  const level = fc.constantFrom<AgreementLevel>(0, 1, 2, null);
  const vector = fc.record(
    Object.fromEntries(MATCH_FIELDS.map((f) => [f, level])) as Record<MatchField, typeof level>,
  );

  it('explains the weight: per-field weights sum to it, missing fields weigh 0', () => {
    fc.assert(
      fc.property(vector, (v) => {
        const score = scoreVector(model, v);
        expect(score.fields.reduce((sum, f) => sum + f.weight, 0)).toBeCloseTo(score.weight, 9);
        for (const f of score.fields) if (f.level === null) expect(f.weight).toBe(0);
        expect(score.probability).toBeGreaterThanOrEqual(0);
        expect(score.probability).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is monotone: more agreement on a field never lowers the probability', () => {
    fc.assert(
      fc.property(vector, fc.constantFrom(...MATCH_FIELDS), (v, field) => {
        const current = v[field];
        if (current === null || current === 2) return;
        const better = { ...v, [field]: current + 1 };
        expect(scoreVector(model, better).probability).toBeGreaterThanOrEqual(
          scoreVector(model, v).probability,
        );
      }),
    );
  });

  it('puts the band between the thresholds into clerical review', () => {
    const all = (l: AgreementLevel) =>
      Object.fromEntries(MATCH_FIELDS.map((f) => [f, l])) as ComparisonVector;
    expect(decide(scoreVector(model, all(2)))).toBe('match');
    expect(decide(scoreVector(model, all(0)))).toBe('non-match');
    expect(decide({ weight: 0, probability: 0.8, fields: [] })).toBe('review');
  });
});

describe('blocking and linkage', () => {
  it('compares a small fraction of all pairs and still finds almost every true pair', () => {
    const records = generateRecords({ people: 1500, corruption: 0.2, seed: 5 });
    const prepared = records.map((r) => prepareRecord(r));
    const { pairs } = candidatePairs(prepared);
    const truePairs = new Set<string>();
    const byPerson = new Map<string, number[]>();
    records.forEach((r, i) => byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), i]));
    for (const members of byPerson.values())
      for (let i = 0; i < members.length; i++)
        for (let j = i + 1; j < members.length; j++) truePairs.add(`${members[i]}|${members[j]}`);
    const found = pairs.filter(
      ([i, j]) => truePairs.has(`${i}|${j}`) || truePairs.has(`${j}|${i}`),
    ).length;
    const allPairs = (records.length * (records.length - 1)) / 2;
    expect(pairs.length / allPairs).toBeLessThan(0.01);
    expect(found / truePairs.size).toBeGreaterThan(0.97);
  });

  it('links duplicates of one person with an explanation per field', () => {
    const base = {
      birthDate: '1984-06-02',
      address: { street: '12 Oak Street', city: 'Salem', zip: '19001' },
    };
    const records = [
      {
        id: 'a',
        firstName: 'Robert',
        lastName: 'Kowalski',
        email: 'rob.k@gmail.com',
        phone: '415 555 0101',
        ...base,
      },
      {
        id: 'b',
        firstName: 'Bob',
        lastName: 'Kowalsky',
        email: 'ROB.K@GMAIL.COM',
        phone: '(415) 555-0101',
        ...base,
      },
      ...generateRecords({ people: 400, corruption: 0.1, seed: 9 }),
    ];
    const result = linkRecords(records);
    const pair = result.matches.find((m) => [m.a, m.b].sort().join() === 'a,b');
    expect(pair?.fields.map((f) => f.field)).toEqual([...MATCH_FIELDS]);
    expect(pair?.fields.find((f) => f.field === 'firstName')).toMatchObject({ level: 2 }); // bob = robert
    expect(result.clusters.find((c) => c.includes('a'))).toContain('b');
  });
});

describe('connected components', () => {
  it('partitions the ids and does not depend on link order', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 30 }).map(String), {
      minLength: 1,
      maxLength: 20,
    });
    fc.assert(
      fc.property(ids, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }), (nodes, raw) => {
        const links = raw.map(
          ([a, b]) => [nodes[a % nodes.length]!, nodes[b % nodes.length]!] as [string, string],
        );
        const canonical = (cs: string[][]) => cs.map((c) => [...c].sort().join()).sort();
        const components = connectedComponents(nodes, links);
        expect(components.flat().sort()).toEqual([...nodes].sort());
        expect(canonical(connectedComponents(nodes, [...links].reverse()))).toEqual(
          canonical(components),
        );
        for (const [a, b] of links) expect(components.find((c) => c.includes(a))).toContain(b);
      }),
    );
  });
});
