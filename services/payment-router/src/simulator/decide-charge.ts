import type { Random } from '@scale-models/seeded-random';
import { sampleNormal } from '../domain/routing/random.ts';
import type { PspBehaviour, PspMode } from './behaviour.ts';

export interface ChargeRequestFacts {
  cardNumber: string;
  brand: string;
  country: string;
}

export interface ChargeDecision {
  approved: boolean;
  declineCode?: string;
  latencyMs: number;
  /** The charge is booked but the answer is held back past any sane client timeout. */
  answerLate: boolean;
}

/** Cards whose issuers answer the same at every PSP, for tests and demos. */
export const ISSUER_TEST_CARDS: Record<string, string> = {
  '4000000000000002': 'do_not_honor',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000119': 'processing_error',
};

/** The issuer of this card approves everything (PSP outages and timeouts still apply). */
export const ALWAYS_APPROVED_CARD = '4242424242424242';

const HARD_CODES = ['do_not_honor', 'insufficient_funds', 'stolen_card', 'invalid_account'];
const SOFT_CODES = ['try_again_later', 'issuer_unavailable', 'processing_error'];

/** What the simulated acquirer does with one authorization. Pure: randomness is passed in. */
export function decideCharge(
  behaviour: PspBehaviour,
  mode: PspMode,
  facts: ChargeRequestFacts,
  random: Random,
  latencyScale = 1,
): ChargeDecision {
  const slowdown = mode === 'slow' ? 10 : mode === 'degraded' ? 3 : 1;
  const latencyMs =
    behaviour.latencyMedianMs *
    Math.exp(behaviour.latencySigma * sampleNormal(random)) *
    slowdown *
    latencyScale;
  const answerLate = mode === 'timeout' || random() < behaviour.timeoutRate;
  const issuerCode = ISSUER_TEST_CARDS[facts.cardNumber];
  if (issuerCode !== undefined) {
    return { approved: false, declineCode: issuerCode, latencyMs, answerLate };
  }
  if (facts.cardNumber === ALWAYS_APPROVED_CARD) return { approved: true, latencyMs, answerLate };
  const base =
    (behaviour.approvalByBrand[facts.brand] ?? 0.8) *
    (behaviour.countryFactor[facts.country] ?? 0.9);
  const rate = mode === 'degraded' ? base * 0.35 : base;
  if (random() < rate) return { approved: true, latencyMs, answerLate };
  const codes =
    mode === 'degraded'
      ? ['do_not_honor']
      : random() < behaviour.softShare
        ? SOFT_CODES
        : HARD_CODES;
  return {
    approved: false,
    declineCode: codes[Math.floor(random() * codes.length)],
    latencyMs,
    answerLate,
  };
}
