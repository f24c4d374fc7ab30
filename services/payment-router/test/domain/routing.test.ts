import { describe, expect, it } from 'vitest';
import { chooseRoute, feeOf } from '../../src/domain/routing/choose-route.ts';
import type { PspProfile, RouteInputs } from '../../src/domain/routing/choose-route.ts';
import { mayCascade } from '../../src/domain/routing/decline.ts';
import { seededRandom } from '@scale-models/seeded-random';
import { sampleBeta } from '../../src/domain/routing/random.ts';

const psps: PspProfile[] = [
  { name: 'cheap', feeBps: 100, feeFixed: 0, currencies: ['EUR', 'USD'], brands: ['visa'] },
  { name: 'dear', feeBps: 300, feeFixed: 0, currencies: ['EUR'], brands: ['visa', 'amex'] },
];
const payment = { amount: 10_000, currency: 'EUR', brand: 'visa', country: 'DE', bin: '424242' };

function inputs(overrides: Partial<RouteInputs> = {}): RouteInputs {
  return {
    payment,
    psps,
    rules: [],
    counts: new Map(),
    breakers: new Map(),
    strategy: 'success_rate',
    random: seededRandom(7),
    ...overrides,
  };
}

describe('routing', () => {
  it('prefers the PSP that approves more once it has learnt, and keeps exploring', () => {
    // Of the last 50 attempts each: cheap approved 35, dear 45.
    const counts = new Map([
      ['cheap', { approved: 35, declined: 15 }],
      ['dear', { approved: 45, declined: 5 }],
    ]);
    const random = seededRandom(1);
    const firsts = Array.from(
      { length: 1000 },
      () => chooseRoute(inputs({ counts, random })).candidates[0]!.psp,
    );
    const dearShare = firsts.filter((psp) => psp === 'dear').length / 1000;
    expect(dearShare).toBeGreaterThan(0.9);
    expect(dearShare).toBeLessThan(1);
  });

  it('chooses the cheaper PSP when both approve alike (cost-aware)', () => {
    const counts = new Map([
      ['cheap', { approved: 190, declined: 10 }],
      ['dear', { approved: 190, declined: 10 }],
    ]);
    const random = seededRandom(3);
    const firsts = Array.from(
      { length: 500 },
      () => chooseRoute(inputs({ counts, random })).candidates[0]!.psp,
    );
    expect(firsts.filter((psp) => psp === 'cheap').length).toBeGreaterThan(250);
    expect(feeOf(psps[0]!, 10_000)).toBe(100);
  });

  it('applies only, exclude and prefer rules and explains them', () => {
    const only = chooseRoute(
      inputs({ rules: [{ name: 'eur-dear', when: { currency: 'EUR' }, only: ['dear'] }] }),
    );
    expect(only.candidates.map((c) => c.psp)).toEqual(['dear']);
    expect(only.reasons).toContain('cheap: excluded by rule eur-dear');
    const bin = chooseRoute(
      inputs({ rules: [{ name: 'bin', when: { binPrefix: '4242' }, exclude: ['dear'] }] }),
    );
    expect(bin.candidates.map((c) => c.psp)).toEqual(['cheap']);
    const prefer = chooseRoute(
      inputs({ strategy: 'static', rules: [{ name: 'contract', when: {}, prefer: 'dear' }] }),
    );
    expect(prefer.candidates.map((c) => c.psp)).toEqual(['dear', 'cheap']);
    const amex = chooseRoute(inputs({ payment: { ...payment, brand: 'amex' } }));
    expect(amex.candidates.map((c) => c.psp)).toEqual(['dear']);
  });

  it('cascades only after soft declines, timeouts and refusals to take the request', () => {
    expect(mayCascade({ kind: 'soft_decline', code: 'try_again_later' })).toBe(true);
    expect(mayCascade({ kind: 'timeout' })).toBe(true);
    expect(mayCascade({ kind: 'unavailable' })).toBe(true);
    expect(mayCascade({ kind: 'hard_decline', code: 'stolen_card' })).toBe(false);
    expect(mayCascade({ kind: 'unknown', reason: 'inquiry failed' })).toBe(false);
    expect(mayCascade({ kind: 'approved', pspChargeId: 'ch_1' })).toBe(false);
  });

  it('samples Beta draws with the right mean', () => {
    const random = seededRandom(11);
    const draws = Array.from({ length: 4000 }, () => sampleBeta(9, 3, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeCloseTo(0.75, 1);
  });
});

describe('circuit breaker', () => {
  it('leaves a PSP whose breaker is open out of the plan, and says so', () => {
    const rest = chooseRoute(inputs({ breakers: new Map([['cheap', 'open']]) }));
    expect(rest.candidates.map((c) => c.psp)).toEqual(['dear']);
    expect(rest.reasons).toContain('cheap: circuit open');
    const probing = chooseRoute(inputs({ breakers: new Map([['cheap', 'half_open']]) }));
    expect(probing.candidates.map((c) => c.psp)).toContain('cheap');
  });
});
