import { describe, expect, it } from 'vitest';
import type { Velocity } from '../../src/domain/fraud/score-fraud.ts';
import { scoreFraud } from '../../src/domain/fraud/score-fraud.ts';
import { reconcile, settlementBatches } from '../../src/domain/reconciliation.ts';

const quiet: Velocity = {
  cardLast10m: 1,
  cardLast24h: 1,
  ipLast1h: 1,
  emailLast1h: 1,
  cardsOnDevice24h: 1,
  cardsFromIp24h: 1,
};
const base = {
  velocity: quiet,
  majorAmount: 25,
  cardCountry: 'DE',
  ipCountry: 'DE',
  email: 'a@example.com',
};

describe('fraud scoring', () => {
  it('approves an ordinary payment with nothing to explain', () => {
    expect(scoreFraud(base)).toMatchObject({ decision: 'approve', reasons: [] });
  });

  it('reviews a risky one and says why, strongest reason first', () => {
    const result = scoreFraud({
      ...base,
      ipCountry: 'NG',
      email: 'x@mailinator.com',
      majorAmount: 5000,
    });
    expect(result.decision).not.toBe('approve');
    expect(result.reasons.map((r) => r.code)).toEqual([
      'disposable_email',
      'country_mismatch',
      'large_amount',
    ]);
  });

  it('declines card testing by rule', () => {
    const result = scoreFraud({ ...base, velocity: { ...quiet, cardsOnDevice24h: 7 } });
    expect(result).toMatchObject({
      decision: 'decline',
      score: 1,
      reasons: [{ code: 'card_testing_device', weight: 'rule' }],
    });
  });

  it('declines a burst of one card by score', () => {
    const result = scoreFraud({ ...base, velocity: { ...quiet, cardLast10m: 9, cardLast24h: 9 } });
    expect(result.decision).toBe('decline');
    expect(result.reasons[0]!.code).toBe('card_velocity_10m');
  });
});

describe('reconciliation', () => {
  const booked = [
    { id: 'a', merchantId: 'm1', kind: 'capture' as const, amount: 1000, currency: 'EUR' },
    { id: 'b', merchantId: 'm1', kind: 'refund' as const, amount: 300, currency: 'EUR' },
    { id: 'c', merchantId: 'm2', kind: 'capture' as const, amount: 500, currency: 'EUR' },
    { id: 'd', merchantId: 'm2', kind: 'capture' as const, amount: 700, currency: 'EUR' },
  ];
  const line = (reference: string, type: 'capture' | 'refund', amount: number, fee = 0) => ({
    reference,
    pspChargeId: `ch_${reference}`,
    type,
    amount,
    currency: 'EUR',
    fee,
  });

  it('reports missing, extra and amount-mismatched items and settles only what matched', () => {
    const result = reconcile(
      [
        line('a', 'capture', 1000, 24),
        line('b', 'refund', 300),
        line('c', 'capture', 499, 12),
        line('z', 'capture', 50),
      ],
      booked,
    );
    expect(result.missing.map((o) => o.id)).toEqual(['d']);
    expect(result.extra.map((l) => l.reference)).toEqual(['z']);
    expect(result.mismatched).toEqual([
      {
        reference: 'c',
        booked: { amount: 500, currency: 'EUR', kind: 'capture' },
        settled: { amount: 499, currency: 'EUR', type: 'capture' },
      },
    ]);
    expect(settlementBatches(result.matched)).toEqual([
      { merchantId: 'm1', currency: 'EUR', net: 700, fee: 24, operationIds: ['a', 'b'] },
    ]);
  });

  it('counts a line listed twice as extra', () => {
    const result = reconcile(
      [line('a', 'capture', 1000), line('a', 'capture', 1000)],
      booked.slice(0, 1),
    );
    expect(result.matched).toHaveLength(1);
    expect(result.extra).toHaveLength(1);
  });
});
