import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  IDENTIFIER_TYPES,
  priorityOf,
} from '../src/domain/identifiers/identifier.ts';
import type { Identifier, IdentifierType } from '../src/domain/identifiers/identifier.ts';
import { normalizeEmail } from '../src/domain/identifiers/normalize-email.ts';
import { normalizePhone } from '../src/domain/identifiers/normalize-phone.ts';
import { emptyCounts, planResolution } from '../src/domain/graph/plan-resolution.ts';
import type { GraphNeighbourhood } from '../src/domain/graph/plan-resolution.ts';
import { extractIdentifiers } from '../src/domain/tracking/extract-identifiers.ts';
import { parseTrackingMessage } from '../src/domain/tracking/parse-tracking-message.ts';

describe('normalization', () => {
  it('lower-cases emails and removes dots and +tags only where the provider ignores them', () => {
    expect(normalizeEmail(' Ann.Lee+news@GoogleMail.com ')).toBe('annlee@gmail.com');
    expect(normalizeEmail('ann.lee+x@outlook.com')).toBe('ann.lee@outlook.com');
    expect(normalizeEmail('Ann.Lee+x@company.de')).toBe('ann.lee+x@company.de');
    expect(normalizeEmail('not an email')).toBeUndefined();
    expect(normalizeEmail('+tag@gmail.com')).toBeUndefined();
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const once = normalizeEmail(email);
        if (once !== undefined) expect(normalizeEmail(once)).toBe(once);
      }),
    );
  });

  it('turns national and international phone formats into E.164, and refuses invalid numbers', () => {
    for (const raw of ['(415) 555-0132', '415.555.0132', '+1 415-555-0132', '4155550132'])
      expect(normalizePhone(raw)).toBe('+14155550132');
    expect(normalizePhone('030 1234567', 'DE')).toBe('+49301234567');
    expect(normalizePhone('+49 30 1234567', 'US')).toBe('+49301234567');
    expect(normalizePhone('12345')).toBeUndefined();
  });

  it('extracts identifiers strongest first, from traits and context.traits, each once', () => {
    const event = {
      type: 'identify' as const,
      messageId: 'm',
      source: 'web',
      receivedAt: '2026-01-01T00:00:00.000Z',
      timestamp: '2026-01-01T00:00:00.000Z',
      anonymousId: ' a-1 ',
      userId: 'U-1',
      traits: { email: 'X@Y.com', phone: 'garbage' },
      context: { traits: { email: 'x@y.com', phone: '+44 20 7946 0958' } },
    };
    expect(extractIdentifiers(event, 'US')).toEqual([
      { type: 'user_id', value: 'U-1' },
      { type: 'email', value: 'x@y.com' },
      { type: 'anonymous_id', value: 'a-1' },
    ]);
  });
});

describe('tracking message validation', () => {
  const at = new Date('2026-03-01T10:00:00Z');

  it('needs userId or anonymousId, and the fields of its call type', () => {
    expect(parseTrackingMessage({ type: 'identify' }, at)).toEqual({
      ok: false,
      reason: 'message.identity_missing',
    });
    expect(parseTrackingMessage({ type: 'track', userId: 'u' }, at)).toEqual({
      ok: false,
      reason: 'track.event_missing',
    });
    expect(parseTrackingMessage({ type: 'alias', userId: 'u' }, at)).toEqual({
      ok: false,
      reason: 'alias.previous_id_missing',
    });
    expect(parseTrackingMessage({ type: 'group', userId: 'u' }, at)).toEqual({
      ok: false,
      reason: 'group.group_id_missing',
    });
    expect(parseTrackingMessage({ type: 'purchase', userId: 'u' }, at)).toEqual({
      ok: false,
      reason: 'message.unknown_type',
    });
    expect(parseTrackingMessage([], at)).toEqual({ ok: false, reason: 'message.not_an_object' });
  });

  it('reads numeric ids as strings, takes the type from the path, keeps the client time', () => {
    const result = parseTrackingMessage(
      { userId: 42, event: 'E', timestamp: '2026-02-01T00:00:00Z', messageId: 'm1' },
      at,
      'track',
    );
    expect(result).toMatchObject({
      ok: true,
      message: {
        type: 'track',
        userId: '42',
        timestamp: '2026-02-01T00:00:00.000Z',
        messageId: 'm1',
      },
    });
  });

  it('gives each call without messageId its own, so two equal calls stay two events', () => {
    const call = { type: 'track', userId: 'u', event: 'Order Completed' };
    const first = parseTrackingMessage(call, at);
    const second = parseTrackingMessage({ ...call }, at);
    expect(first.ok && second.ok && first.message.messageId !== second.message.messageId).toBe(
      true,
    );
  });
});

describe('stitching plan under merge limits', () => {
  const id = (type: IdentifierType, value: string): Identifier => ({ type, value });
  const graphOf = (owned: [Identifier, string][]): GraphNeighbourhood => {
    const owners = new Map(owned.map(([i, p]) => [`${i.type}:${i.value}`, p]));
    const counts = new Map<string, ReturnType<typeof emptyCounts>>();
    for (const [i, p] of owned) {
      const c = counts.get(p) ?? emptyCounts();
      c[i.type]++;
      counts.set(p, c);
    }
    return { owners, counts, doNotLink: [] };
  };

  it('a login on a device seen anonymously joins the device profile', () => {
    const plan = planResolution(
      [id('user_id', 'u1'), id('anonymous_id', 'd1')],
      graphOf([[id('anonymous_id', 'd1'), 'P']]),
      DEFAULT_LIMITS,
    );
    expect(plan).toMatchObject({
      target: 'P',
      absorbed: [],
      attached: [id('user_id', 'u1')],
      dropped: [],
    });
  });

  it('merges the profiles of two devices of one user', () => {
    const plan = planResolution(
      [id('user_id', 'u1'), id('anonymous_id', 'd2')],
      graphOf([
        [id('user_id', 'u1'), 'P1'],
        [id('anonymous_id', 'd1'), 'P1'],
        [id('anonymous_id', 'd2'), 'P2'],
      ]),
      DEFAULT_LIMITS,
    );
    expect(plan).toMatchObject({ target: 'P1', absorbed: ['P2'], dropped: [] });
  });

  it('refuses to merge two user ids through a shared device, and says which limit', () => {
    const plan = planResolution(
      [id('user_id', 'u2'), id('anonymous_id', 'tablet')],
      graphOf([
        [id('user_id', 'u1'), 'P1'],
        [id('anonymous_id', 'tablet'), 'P1'],
      ]),
      DEFAULT_LIMITS,
    );
    expect(plan).toMatchObject({
      target: undefined,
      absorbed: [],
      attached: [id('user_id', 'u2')],
    });
    expect(plan.dropped).toEqual([
      { identifier: id('anonymous_id', 'tablet'), rule: 'user_id', blockedProfile: 'P1' },
    ]);
  });

  it('refuses to reconnect profiles a split kept apart, whatever identifier would bridge them', () => {
    const graph = {
      ...graphOf([
        [id('user_id', 'bo'), 'BO'],
        [id('anonymous_id', 'bo-laptop'), 'BO'],
        [id('email', 'cy@x.org'), 'CY'],
        [id('anonymous_id', 'tablet'), 'CY'],
      ]),
      doNotLink: [['CY', 'BO']] as [string, string][],
    };
    const plan = planResolution(
      [id('user_id', 'bo'), id('email', 'new@x.org'), id('anonymous_id', 'tablet')],
      graph,
      DEFAULT_LIMITS,
    );
    expect(plan).toMatchObject({
      target: 'BO',
      absorbed: [],
      attached: [id('email', 'new@x.org')],
    });
    expect(plan.dropped).toEqual([
      { identifier: id('anonymous_id', 'tablet'), rule: 'do_not_link', blockedProfile: 'CY' },
    ]);
  });

  it('a do-not-link rule between two profiles does not stop either merging with a third', () => {
    const graph = {
      ...graphOf([
        [id('email', 'cy@x.org'), 'CY'],
        [id('user_id', 'bo'), 'BO'],
        [id('anonymous_id', 'cy-phone'), 'PHONE'],
      ]),
      doNotLink: [['CY', 'BO']] as [string, string][],
    };
    const plan = planResolution(
      [id('email', 'cy@x.org'), id('anonymous_id', 'cy-phone')],
      graph,
      DEFAULT_LIMITS,
    );
    expect(plan).toMatchObject({ target: 'CY', absorbed: ['PHONE'], dropped: [] });
  });

  it('for any graph, do-not-link rules and event: no two profiles kept apart are merged', () => {
    const identifier = fc.record({
      type: fc.constantFrom(...IDENTIFIER_TYPES),
      value: fc.constantFrom('a', 'b', 'c'),
    });
    const profile = fc.constantFrom('P1', 'P2', 'P3', 'P4');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(identifier, profile), {
          selector: ([i]) => `${i.type}:${i.value}`,
          maxLength: 12,
        }),
        fc.array(fc.tuple(profile, profile), { maxLength: 4 }),
        fc.uniqueArray(identifier, { selector: (i) => `${i.type}:${i.value}`, maxLength: 6 }),
        (owned, rules, incoming) => {
          const graph = { ...graphOf(owned), doNotLink: rules };
          const plan = planResolution(incoming, graph, DEFAULT_LIMITS);
          const merged = new Set([plan.target, ...plan.absorbed]);
          for (const [a, b] of rules)
            if (a !== b) expect(merged.has(a) && merged.has(b)).toBe(false);
          expect(plan.kept.length + plan.dropped.length).toBe(incoming.length);
        },
      ),
    );
  });

  it('for any graph and event: the resulting profile respects every limit', () => {
    const identifier = fc.record({
      type: fc.constantFrom(...IDENTIFIER_TYPES),
      value: fc.constantFrom('a', 'b', 'c', 'd'),
    });
    const limits = { ...DEFAULT_LIMITS, email: 2, anonymous_id: 3 };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(identifier, fc.constantFrom('P1', 'P2', 'P3')), {
          selector: ([i]) => `${i.type}:${i.value}`,
          maxLength: 12,
        }),
        fc.uniqueArray(identifier, {
          selector: (i) => `${i.type}:${i.value}`,
          minLength: 1,
          maxLength: 6,
        }),
        (owned, incoming) => {
          // Only graphs that respect the limits themselves can arise.
          const graph = graphOf(owned);
          for (const counts of graph.counts.values())
            for (const t of IDENTIFIER_TYPES) fc.pre(counts[t] <= limits[t]);
          const sorted = [...incoming].sort((x, y) => priorityOf(x.type) - priorityOf(y.type));
          const plan = planResolution(sorted, graph, limits);
          const total = emptyCounts();
          for (const p of [plan.target, ...plan.absorbed]) {
            if (p === undefined) continue;
            for (const t of IDENTIFIER_TYPES) total[t] += graph.counts.get(p)![t];
          }
          for (const i of plan.attached) total[i.type]++;
          for (const t of IDENTIFIER_TYPES) expect(total[t]).toBeLessThanOrEqual(limits[t]);
          expect(plan.kept.length + plan.dropped.length).toBe(incoming.length);
        },
      ),
    );
  });
});
