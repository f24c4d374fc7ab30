import type { Random } from '@scale-models/seeded-random';
import type { RoutingStore } from '../adapters/routing-store.ts';
import type { PspProfile, RoutePlan, RoutingStrategy } from '../domain/routing/choose-route.ts';
import { chooseRoute } from '../domain/routing/choose-route.ts';
import type { AttemptOutcome } from '../domain/routing/decline.ts';
import { isTechnicalFailure } from '../domain/routing/decline.ts';
import type { BreakerState } from '../domain/routing/routing-memory.ts';
import type { RoutedPayment, RoutingRule } from '../domain/routing/routing-rules.ts';

/** A plan, and the breaker states it was made with (a half-open PSP needs a probe claim). */
export interface PlannedRoute extends RoutePlan {
  breakers: ReadonlyMap<string, BreakerState>;
}

/**
 * The router's memory: success rates per segment and a circuit breaker per PSP, fed with every
 * attempt's outcome. Kept in Redis, so every router instance learns from every other's traffic
 * and a restart forgets nothing.
 */
export class RoutingEngine {
  readonly strategy: RoutingStrategy;
  private readonly store: RoutingStore;
  private readonly psps: readonly PspProfile[];
  private readonly rules: readonly RoutingRule[];
  private readonly random: Random;
  private readonly clock: () => number;

  constructor(options: {
    store: RoutingStore;
    psps: readonly PspProfile[];
    rules: readonly RoutingRule[];
    strategy: RoutingStrategy;
    random: Random;
    clock?: () => number;
  }) {
    this.store = options.store;
    this.psps = options.psps;
    this.rules = options.rules;
    this.strategy = options.strategy;
    this.random = options.random;
    this.clock = options.clock ?? Date.now;
  }

  async plan(payment: RoutedPayment): Promise<PlannedRoute> {
    const { counts, breakers } = await this.store.view(payment, this.clock());
    const plan = chooseRoute({
      payment,
      psps: this.psps,
      rules: this.rules,
      counts,
      breakers,
      strategy: this.strategy,
      random: this.random,
    });
    return { ...plan, breakers };
  }

  /** Whether the PSP may be called now: closed yes; half-open only for the probe's claimant. */
  async allows(plan: PlannedRoute, psp: string): Promise<boolean> {
    const state = plan.breakers.get(psp) ?? 'closed';
    if (state === 'closed') return true;
    return state === 'half_open' && (await this.store.allowProbe(psp, this.clock()));
  }

  learn(payment: RoutedPayment, psp: string, outcome: AttemptOutcome): Promise<void> {
    // Hard declines are the issuer's verdict on the card, not the PSP's quality; timeouts and
    // soft declines are the PSP failing the payment.
    const counted = outcome.kind !== 'hard_decline' || outcome.code === 'do_not_honor';
    return this.store.record(
      payment,
      psp,
      {
        ...(counted ? { approved: outcome.kind === 'approved' } : {}),
        callOk: !isTechnicalFailure(outcome),
      },
      this.clock(),
    );
  }

  async stats() {
    return { strategy: this.strategy, ...(await this.store.snapshot(this.clock())) };
  }
}
