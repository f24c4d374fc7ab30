import type { PspProfile, RoutePlan, RoutingStrategy } from '../domain/routing/choose-route.ts';
import { chooseRoute } from '../domain/routing/choose-route.ts';
import { CircuitBreaker } from '../domain/routing/circuit-breaker.ts';
import type { BreakerOptions } from '../domain/routing/circuit-breaker.ts';
import type { AttemptOutcome } from '../domain/routing/decline.ts';
import { isTechnicalFailure } from '../domain/routing/decline.ts';
import type { Random } from '@scale-models/seeded-random';
import type { RoutedPayment, RoutingRule } from '../domain/routing/routing-rules.ts';
import { SuccessRates } from '../domain/routing/success-rates.ts';

/**
 * The router's memory: success rates per segment and a circuit breaker per PSP, fed with every
 * attempt's outcome. In process memory: each replica learns on its own (see README).
 */
export class RoutingEngine {
  readonly rates: SuccessRates;
  readonly breakers: Map<string, CircuitBreaker>;
  readonly strategy: RoutingStrategy;
  private readonly psps: readonly PspProfile[];
  private readonly rules: readonly RoutingRule[];
  private readonly random: Random;
  private readonly clock: () => number;

  constructor(options: {
    psps: readonly PspProfile[];
    rules: readonly RoutingRule[];
    strategy: RoutingStrategy;
    random: Random;
    clock?: () => number;
    window?: number;
    breaker?: BreakerOptions;
  }) {
    this.psps = options.psps;
    this.rules = options.rules;
    this.strategy = options.strategy;
    this.random = options.random;
    this.clock = options.clock ?? Date.now;
    this.rates = new SuccessRates(options.window);
    this.breakers = new Map(
      this.psps.map((psp) => [psp.name, new CircuitBreaker(options.breaker)]),
    );
  }

  plan(payment: RoutedPayment): RoutePlan {
    return chooseRoute({
      payment,
      psps: this.psps,
      rules: this.rules,
      rates: this.rates,
      breakers: this.breakers,
      strategy: this.strategy,
      now: this.clock(),
      random: this.random,
    });
  }

  /** Whether the PSP's breaker lets a call through now (claims the half-open probe). */
  allows(psp: string): boolean {
    return this.breakers.get(psp)?.allows(this.clock()) ?? false;
  }

  learn(payment: RoutedPayment, psp: string, outcome: AttemptOutcome): void {
    this.breakers.get(psp)?.record(!isTechnicalFailure(outcome), this.clock());
    // Hard declines are the issuer's verdict on the card, not the PSP's quality; timeouts and
    // soft declines are the PSP failing the payment.
    if (outcome.kind !== 'hard_decline' || outcome.code === 'do_not_honor') {
      this.rates.record(payment, psp, outcome.kind === 'approved');
    }
  }

  stats() {
    const now = this.clock();
    return {
      strategy: this.strategy,
      breakers: Object.fromEntries(
        [...this.breakers].map(([name, breaker]) => [name, breaker.state(now)]),
      ),
      segments: this.rates.snapshot(),
    };
  }
}
