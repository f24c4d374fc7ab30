import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_TYPES, identifierKey } from '../src/domain/identifiers/identifier.ts';
import type { Identifier } from '../src/domain/identifiers/identifier.ts';
import { doNotLinkRules, planSplit } from '../src/domain/graph/plan-split.ts';

const id = (key: string): Identifier => {
  const [type, value] = key.split(':') as [Identifier['type'], string];
  return { type, value };
};
const keysOf = (parts: ReturnType<typeof planSplit>) =>
  parts.map((part) => part.identifiers.map(identifierKey));

describe('split plan', () => {
  it('cuts a profile where the removed edge was its only link, the user_id keeping the profile', () => {
    const identities = [
      'anonymous_id:tablet',
      'email:cy@x.org',
      'user_id:bo',
      'anonymous_id:bo-laptop',
    ];
    const remaining: [string, string][] = [
      ['email:cy@x.org', 'anonymous_id:tablet'],
      ['user_id:bo', 'anonymous_id:bo-laptop'],
    ];
    const parts = planSplit(identities.map(id), remaining);
    expect(keysOf(parts)).toEqual([
      ['user_id:bo', 'anonymous_id:bo-laptop'],
      ['email:cy@x.org', 'anonymous_id:tablet'],
    ]);
    expect(parts.map((p) => p.keepsProfile)).toEqual([true, false]);
  });

  it('keeps a profile whole while another path still links it', () => {
    const triangle: [string, string][] = [
      ['user_id:a', 'email:a@x.org'],
      ['email:a@x.org', 'phone:+14155550132'],
    ];
    const parts = planSplit(['user_id:a', 'email:a@x.org', 'phone:+14155550132'].map(id), triangle);
    expect(parts).toHaveLength(1);
  });

  const graphs = fc
    .uniqueArray(
      fc.record({
        type: fc.constantFrom(...IDENTIFIER_TYPES),
        value: fc.stringMatching(/^[a-e]{1,2}$/),
      }),
      { minLength: 1, maxLength: 12, selector: identifierKey },
    )
    .chain((identities) =>
      fc.record({
        identities: fc.constant(identities),
        edges: fc.array(fc.tuple(fc.constantFrom(...identities), fc.constantFrom(...identities)), {
          maxLength: 20,
        }),
      }),
    );

  it('for any graph: the parts partition the identities, no edge crosses them, one keeps the profile', () => {
    fc.assert(
      fc.property(graphs, ({ identities, edges }) => {
        const links = edges.map(([a, b]): [string, string] => [identifierKey(a), identifierKey(b)]);
        const parts = planSplit(identities, links);
        const partOf = new Map(
          parts.flatMap((part, index) => part.identifiers.map((i) => [identifierKey(i), index])),
        );
        expect([...partOf.keys()].sort()).toEqual(identities.map(identifierKey).sort());
        for (const [a, b] of links) expect(partOf.get(a)).toBe(partOf.get(b));
        expect(parts.filter((p) => p.keepsProfile)).toHaveLength(1);
        // The strongest identifier of the whole profile stays on it.
        const strongest = parts[0]!.identifiers[0]!;
        for (const part of parts)
          expect(IDENTIFIER_TYPES.indexOf(part.identifiers[0]!.type)).toBeGreaterThanOrEqual(
            IDENTIFIER_TYPES.indexOf(strongest.type),
          );
      }),
    );
  });

  it('a split into two leaves one do-not-link rule, between the strongest identifier of each side', () => {
    const parts = planSplit(['anonymous_id:tablet', 'email:cy@x.org', 'user_id:bo'].map(id), [
      ['email:cy@x.org', 'anonymous_id:tablet'],
    ]);
    expect(doNotLinkRules(parts)).toEqual([[id('email:cy@x.org'), id('user_id:bo')]]);
  });

  it('a shared device detached from two people: every pair of parts is kept apart', () => {
    const parts = planSplit(
      ['anonymous_id:tablet', 'email:cy@x.org', 'email:di@x.org', 'anonymous_id:di-phone'].map(id),
      [['email:di@x.org', 'anonymous_id:di-phone']],
    );
    expect(doNotLinkRules(parts).map((pair) => pair.map(identifierKey))).toEqual([
      ['email:cy@x.org', 'email:di@x.org'],
      ['anonymous_id:tablet', 'email:cy@x.org'],
      ['anonymous_id:tablet', 'email:di@x.org'],
    ]);
  });

  it('a profile that stays whole needs no rule', () => {
    expect(doNotLinkRules(planSplit([id('user_id:a')], []))).toEqual([]);
  });
});
