// Authorization rate of success-rate routing (Thompson sampling per segment) against static
// routing (cheapest PSP first), same traffic and same seeds, while atlas degrades.
// In process: the router's RoutingEngine (its memory in Redis, under a key prefix of its own)
// against the simulators' decision model (no HTTP, no PSP latency), so 24,000 payments per
// strategy take seconds. `node bench/routing.ts` with REDIS_URL set.
import { randomUUID } from 'node:crypto';
import { createRedis, deleteNamespace } from '@scale-models/redis';
import { redis as redisServer } from '@scale-models/testkit';
import Table from 'cli-table3';
import { PSP_CONTRACTS } from '../src/domain/psp-contracts.ts';
import type { RoutingStrategy } from '../src/domain/routing/choose-route.ts';
import { feeOf } from '../src/domain/routing/choose-route.ts';
import type { AttemptOutcome } from '../src/domain/routing/decline.ts';
import { declineKind, mayCascade } from '../src/domain/routing/decline.ts';
import type { Random } from '@scale-models/seeded-random';
import { seededRandom } from '@scale-models/seeded-random';
import type { RoutedPayment } from '../src/domain/routing/routing-rules.ts';
import { createRoutingStore } from '../src/adapters/routing-store.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_WINDOW } from '../src/domain/routing/routing-memory.ts';
import { RoutingEngine } from '../src/payments/routing-engine.ts';
import type { PspMode } from '../src/simulator/behaviour.ts';
import { BEHAVIOURS } from '../src/simulator/behaviour.ts';
import { decideCharge } from '../src/simulator/decide-charge.ts';
import { round } from './measure.ts';

const HEALTHY = 4_000;
const DEGRADED = 16_000;
const RECOVERED = 4_000;

function pick<T>(random: Random, weighted: [T, number][]): T {
  let roll = random();
  for (const [value, weight] of weighted) {
    if ((roll -= weight) < 0) return value;
  }
  return weighted[0]![0];
}

function traffic(count: number, random: Random): RoutedPayment[] {
  return Array.from({ length: count }, () => {
    const [currency, country] = pick(random, [
      [['EUR', 'DE'], 0.3],
      [['EUR', 'FR'], 0.2],
      [['USD', 'US'], 0.25],
      [['GBP', 'GB'], 0.15],
      [['BRL', 'BR'], 0.1],
    ]);
    const brand = pick(random, [
      ['visa', 0.55],
      ['mastercard', 0.35],
      ['amex', 0.07],
      ['discover', 0.03],
    ]);
    return { amount: 500 + Math.floor(random() * 20_000), currency, country, brand, bin: '400000' };
  });
}

interface Phase {
  approved: number;
  payments: number;
  fees: number;
  attempts: number;
}

async function simulate(strategy: RoutingStrategy, payments: RoutedPayment[]) {
  const namespace = `payment-router-bench-${randomUUID()}`;
  const handle = createRedis((await redisServer()).url, { keyPrefix: namespace });
  const engine = new RoutingEngine({
    store: createRoutingStore(handle.redis, {
      psps: PSP_CONTRACTS.map((contract) => contract.name),
      rateWindow: DEFAULT_RATE_WINDOW,
      breaker: DEFAULT_BREAKER,
    }),
    psps: PSP_CONTRACTS,
    rules: [],
    strategy,
    random: seededRandom(99),
    clock: () => clock,
  });
  const outcomes = seededRandom(1234);
  let clock = 0;
  const phases: Record<'healthy' | 'degraded' | 'recovered', Phase> = {
    healthy: { approved: 0, payments: 0, fees: 0, attempts: 0 },
    degraded: { approved: 0, payments: 0, fees: 0, attempts: 0 },
    recovered: { approved: 0, payments: 0, fees: 0, attempts: 0 },
  };
  for (const [i, payment] of payments.entries()) {
    clock += 5; // 200 payments a second
    const phase = i < HEALTHY ? 'healthy' : i < HEALTHY + DEGRADED ? 'degraded' : 'recovered';
    const modeOf = (psp: string): PspMode =>
      phase === 'degraded' && psp === 'atlas' ? 'degraded' : 'healthy';
    const stats = phases[phase];
    stats.payments++;
    const plan = await engine.plan(payment);
    for (const candidate of plan.candidates.slice(0, 3)) {
      if (!(await engine.allows(plan, candidate.psp))) continue;
      stats.attempts++;
      const decision = decideCharge(
        BEHAVIOURS[candidate.psp]!,
        modeOf(candidate.psp),
        { cardNumber: '4000000000000010', brand: payment.brand, country: payment.country },
        outcomes,
      );
      // A late answer is resolved by inquiry in the router: the charge's own outcome stands.
      const outcome: AttemptOutcome = decision.approved
        ? { kind: 'approved', pspChargeId: 'ch' }
        : { kind: declineKind(decision.declineCode!), code: decision.declineCode! };
      await engine.learn(payment, candidate.psp, outcome);
      if (outcome.kind === 'approved') {
        stats.approved++;
        stats.fees +=
          feeOf(
            PSP_CONTRACTS.find((c) => c.name === candidate.psp)!,
            payment.amount,
          ) / payment.amount;
        break;
      }
      if (!mayCascade(outcome)) break;
    }
  }
  await deleteNamespace(handle.redis, namespace);
  await handle.close();
  return phases;
}

const payments = traffic(HEALTHY + DEGRADED + RECOVERED, seededRandom(42));
const results = {
  static: await simulate('static', payments),
  success_rate: await simulate('success_rate', payments),
};
const table = new Table({
  head: [
    'phase',
    'payments',
    'static: auth rate',
    'success-rate: auth rate',
    'difference',
    'static: fee bps',
    'success-rate: fee bps',
    'attempts/payment (static / learnt)',
  ],
});
for (const phase of ['healthy', 'degraded', 'recovered'] as const) {
  const a = results.static[phase];
  const b = results.success_rate[phase];
  const rate = (p: Phase) => (100 * p.approved) / p.payments;
  table.push([
    phase === 'degraded' ? 'atlas degraded' : phase,
    a.payments,
    `${round(rate(a), 2)} %`,
    `${round(rate(b), 2)} %`,
    `${rate(b) - rate(a) >= 0 ? '+' : ''}${round(rate(b) - rate(a), 2)} pp`,
    round((10_000 * a.fees) / a.approved, 0),
    round((10_000 * b.fees) / b.approved, 0),
    `${round(a.attempts / a.payments, 2)} / ${round(b.attempts / b.payments, 2)}`,
  ]);
}
console.log(table.toString());
