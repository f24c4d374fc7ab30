import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTraits } from '../src/domain/profile/resolve-traits.ts';
import type { TraitObservation, TraitRules } from '../src/domain/profile/resolve-traits.ts';
import { evaluateRule, membershipChanges } from '../src/domain/segments/segment-rule.ts';
import type { SegmentRule } from '../src/domain/segments/segment-rule.ts';

const rules: TraitRules = {
  traits: { name: 'source_priority', signup: 'first_seen' },
  default: 'most_recent',
  sourcePriority: ['crm-import', 'web'],
};
const seen = (
  source: string,
  at: string,
  traits: Record<string, unknown>,
  messageId = at,
): TraitObservation => ({ source, at, traits, messageId });

describe('trait conflict rules', () => {
  const observations = [
    seen('app', '2026-01-03T00:00:00Z', { plan: 'pro', name: 'Annie', signup: '2026-01-03' }),
    seen('crm-import', '2026-01-01T00:00:00Z', { plan: 'free', name: 'Ann Lee' }),
    seen('web', '2026-01-02T00:00:00Z', { plan: 'basic', name: 'ann', signup: '2026-01-02' }),
  ];

  it('most recent, source priority and first seen each pick their value, with provenance', () => {
    const traits = resolveTraits(observations, rules);
    expect(traits.plan).toEqual({ value: 'pro', source: 'app', at: '2026-01-03T00:00:00Z' });
    expect(traits.name).toMatchObject({ value: 'Ann Lee', source: 'crm-import' });
    expect(traits.signup).toMatchObject({ value: '2026-01-02' });
  });

  it('never depends on the order events were applied in', () => {
    const observation = fc.record({
      source: fc.constantFrom('crm-import', 'web', 'app'),
      at: fc.integer({ min: 0, max: 5 }).map((d) => `2026-01-0${d + 1}T00:00:00Z`),
      traits: fc.record(
        {
          plan: fc.constantFrom('a', 'b', 'c'),
          name: fc.constantFrom('x', 'y'),
          signup: fc.constantFrom('1', '2'),
        },
        { requiredKeys: [] },
      ),
      messageId: fc.uuid(),
    });
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 10 }), (list) => {
        expect(resolveTraits([...list].reverse(), rules)).toEqual(resolveTraits(list, rules));
      }),
    );
  });
});

describe('segment rules', () => {
  const facts = (plan: string, orders: number, ltv: number) => ({
    fields: { traits: { plan }, computed: { lifetimeValueMinor: { USD: ltv } } },
    eventCount: (event: string, days: number) =>
      event === 'Order Completed' && days === 30 ? orders : 0,
  });
  const rule: SegmentRule = {
    match: 'all',
    conditions: [
      { field: 'traits.plan', op: 'eq', value: 'pro' },
      { event: 'Order Completed', withinDays: 30, op: 'gte', count: 2 },
      { field: 'computed.lifetimeValueMinor.USD', op: 'gt', value: 10_000 },
    ],
  };

  it('combines trait, event-window and computed-trait conditions', () => {
    expect(evaluateRule(rule, facts('pro', 2, 20_000))).toBe(true);
    expect(evaluateRule(rule, facts('pro', 1, 20_000))).toBe(false);
    expect(evaluateRule(rule, facts('free', 3, 20_000))).toBe(false);
    expect(evaluateRule({ ...rule, match: 'any' }, facts('free', 0, 20_000))).toBe(true);
    expect(
      evaluateRule(
        { match: 'all', conditions: [{ field: 'traits.missing', op: 'exists' }] },
        facts('pro', 0, 0),
      ),
    ).toBe(false);
  });

  it('reports entered and exited segments', () => {
    expect(membershipChanges(new Set(['a', 'b']), new Set(['b', 'c']))).toEqual({
      entered: ['c'],
      exited: ['a'],
    });
  });
});
