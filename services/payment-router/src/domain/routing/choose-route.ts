import type { Random } from '@scale-models/seeded-random';
import { sampleBeta } from './random.ts';
import type { BreakerState, OutcomeCounts } from './routing-memory.ts';
import type { RoutedPayment, RoutingRule } from './routing-rules.ts';
import { ruleMatches } from './routing-rules.ts';

export interface PspProfile {
  name: string;
  /** Fee in basis points of the amount plus a fixed part in minor units. */
  feeBps: number;
  feeFixed: number;
  currencies: readonly string[];
  brands: readonly string[];
}

export type RoutingStrategy = 'success_rate' | 'static';

export interface RouteCandidate {
  psp: string;
  /** Thompson draw of the approval rate (success_rate) or undefined (static). */
  sampledRate?: number;
  fee: number;
  /** Expected value of trying this PSP: rate × (amount − fee). */
  score: number;
}

export interface RoutePlan {
  candidates: RouteCandidate[];
  /** Why PSPs were left out or put first, for the payment's routing explanation. */
  reasons: string[];
}

export interface RouteInputs {
  payment: RoutedPayment;
  psps: readonly PspProfile[];
  rules: readonly RoutingRule[];
  /** Each PSP's recent outcomes in the payment's segment (none: no data yet). */
  counts: ReadonlyMap<string, OutcomeCounts>;
  /** Each PSP's breaker (none: closed). */
  breakers: ReadonlyMap<string, BreakerState>;
  strategy: RoutingStrategy;
  random: Random;
}

export function feeOf(psp: PspProfile, amount: number): number {
  return Math.round((amount * psp.feeBps) / 10_000) + psp.feeFixed;
}

/**
 * Orders the PSPs that may take a payment, best first; the router cascades down the list.
 * Rules filter (only/exclude) and pin (prefer); open circuit breakers drop a PSP; the rest
 * rank by expected net value, rate × (amount − fee): the approval rate dominates, and where
 * PSPs approve alike the cheaper one wins. `static` ranks by fee alone, the baseline that
 * does not learn.
 */
export function chooseRoute(inputs: RouteInputs): RoutePlan {
  const { payment, strategy } = inputs;
  const reasons: string[] = [];
  const eligible = eligiblePsps(inputs, reasons);
  const candidates = eligible.map((psp): RouteCandidate => {
    const fee = feeOf(psp, payment.amount);
    if (strategy === 'static') return { psp: psp.name, fee, score: -fee };
    // Thompson sampling: a plausible approval rate drawn from Beta(1 + approved, 1 + declined),
    // so a PSP with little data still wins now and then (exploration).
    const { approved, declined } = inputs.counts.get(psp.name) ?? { approved: 0, declined: 0 };
    const sampledRate = sampleBeta(1 + approved, 1 + declined, inputs.random);
    return { psp: psp.name, fee, sampledRate, score: sampledRate * (payment.amount - fee) };
  });
  candidates.sort((a, b) => b.score - a.score);
  const preferred = inputs.rules.find(
    (rule) => rule.prefer !== undefined && ruleMatches(rule, payment),
  );
  const first = candidates.findIndex((candidate) => candidate.psp === preferred?.prefer);
  if (preferred !== undefined && first > 0) {
    candidates.unshift(...candidates.splice(first, 1));
    reasons.push(`rule ${preferred.name}: ${preferred.prefer} first`);
  }
  return { candidates, reasons };
}

function eligiblePsps(inputs: RouteInputs, reasons: string[]): PspProfile[] {
  const { payment } = inputs;
  const matching = inputs.rules.filter((rule) => ruleMatches(rule, payment));
  return inputs.psps.filter((psp) => {
    if (!psp.currencies.includes(payment.currency) || !psp.brands.includes(payment.brand)) {
      reasons.push(`${psp.name}: does not accept ${payment.brand} in ${payment.currency}`);
      return false;
    }
    const blocking = matching.find(
      (rule) =>
        (rule.only !== undefined && !rule.only.includes(psp.name)) ||
        rule.exclude?.includes(psp.name) === true,
    );
    if (blocking !== undefined) {
      reasons.push(`${psp.name}: excluded by rule ${blocking.name}`);
      return false;
    }
    if (inputs.breakers.get(psp.name) === 'open') {
      reasons.push(`${psp.name}: circuit open`);
      return false;
    }
    return true;
  });
}
