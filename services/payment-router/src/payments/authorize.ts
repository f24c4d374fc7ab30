import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { CheckedCard } from '../domain/card.ts';
import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import { scoreFraud } from '../domain/fraud/score-fraud.ts';
import type { Money } from '../domain/money.ts';
import { currencyExponent } from '../domain/money.ts';
import { mayCascade } from '../domain/routing/decline.ts';
import type { RoutedPayment } from '../domain/routing/routing-rules.ts';
import { beginPayment } from './begin-payment.ts';
import type { FinishedAttempt } from './finish-payment.ts';
import { finishAttempt, finishDeclined, finishExhausted, recordAttempt } from './finish-payment.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentView, RoutingTrace } from './payment-view.ts';
import { viewOf } from './payment-view.ts';
import type { PlannedRoute } from './routing-engine.ts';
import { attemptCharge } from './resolve-attempt.ts';

export interface CreatePayment {
  money: Money;
  card: CheckedCard;
  captureMethod: 'automatic' | 'manual';
  customer: { country: string; email?: string; ip?: string; deviceId?: string };
  description?: string;
}

/** The idempotency key the payment is created under, bound to it in the first statement. */
export interface KeyBinding {
  merchantId: string;
  key: string;
}

/** At most this many PSPs are tried for one payment. */
const MAX_ATTEMPTS = 3;

/**
 * Authorizes a payment: vault the card, score fraud, plan the route, then try PSPs in order.
 * The payment row exists (processing, leased) before any PSP call, so a crash at any point
 * leaves something the recovery job can resolve by status inquiry; every PSP call carries the
 * attempt id as the PSP's idempotency key, so no retry charges twice.
 */
export async function authorize(
  deps: PaymentDeps,
  binding: KeyBinding,
  input: CreatePayment,
): Promise<PaymentView> {
  const sealed = deps.vault.seal(input.card);
  const id = uuidv7();
  const fraud = await assessFraud(deps, id, sealed.fingerprint.toString('hex'), input);
  const routed: RoutedPayment = {
    amount: input.money.amount,
    currency: input.money.currency,
    brand: input.card.brand,
    country: input.customer.country,
    bin: input.card.bin,
  };
  const plan: PlannedRoute =
    fraud.decision === 'decline'
      ? { candidates: [], reasons: ['fraud: declined'], breakers: new Map() }
      : await deps.routing.plan(routed);
  const trace: RoutingTrace = { reasons: plan.reasons, attempts: [] };
  const row = await beginPayment(deps.pool, {
    id,
    merchantId: binding.merchantId,
    key: binding.key,
    money: input.money,
    captureMethod: fraud.decision === 'review' ? 'manual' : input.captureMethod,
    card: input.card,
    sealed,
    country: input.customer.country,
    fraud,
    routing: trace,
    description: input.description ?? null,
    leaseMs: deps.leaseMs,
  });
  if (fraud.decision === 'decline') return finishDeclined(deps, row, 'fraud_suspected', trace);

  let last: FinishedAttempt | undefined;
  for (const [seq, candidate] of plan.candidates.slice(0, MAX_ATTEMPTS).entries()) {
    if (!(await deps.routing.allows(plan, candidate.psp))) {
      trace.reasons.push(`${candidate.psp}: circuit open, skipped`);
      continue;
    }
    const attemptId = uuidv7();
    await deps.pool.query({
      name: 'insert_attempt',
      text: `INSERT INTO payment_attempts (id, payment_id, seq, psp, status) VALUES ($1, $2, $3, $4, 'pending')`,
      values: [attemptId, id, seq, candidate.psp],
    });
    const started = performance.now();
    const outcome = await attemptCharge(deps.psps.get(candidate.psp)!, attemptId, {
      amount: input.money.amount,
      currency: input.money.currency,
      country: input.customer.country,
      capture: row.capture_method === 'automatic',
      card: input.card,
    });
    const latencyMs = Math.round(performance.now() - started);
    await deps.routing.learn(routed, candidate.psp, outcome);
    trace.attempts.push({
      psp: candidate.psp,
      outcome: outcome.kind,
      latencyMs,
      ...('code' in outcome ? { code: outcome.code } : {}),
    });
    if (outcome.kind === 'approved' && deps.crashAt === 'after_psp_approval')
      process.kill(process.pid, 'SIGKILL');
    last = { attemptId, psp: candidate.psp, outcome, latencyMs };
    if (outcome.kind === 'unknown') {
      // The PSP may have charged: leave the payment processing for the recovery job.
      await recordAttempt(deps.pool, attemptId, outcome, latencyMs);
      return viewOf(row);
    }
    if (!mayCascade(outcome)) return finishAttempt(deps, row, last, trace);
    await recordAttempt(deps.pool, attemptId, outcome, latencyMs);
  }
  return finishExhausted(deps, row, last, trace);
}

async function assessFraud(
  deps: PaymentDeps,
  attemptId: string,
  cardFingerprint: string,
  input: CreatePayment,
): Promise<FraudAssessment> {
  const velocity = await deps.velocity.record(
    {
      attemptId,
      cardFingerprint,
      ip: pseudonym(input.customer.ip),
      email: pseudonym(input.customer.email?.toLowerCase()),
      deviceId: pseudonym(input.customer.deviceId),
    },
    Date.now(),
  );
  return scoreFraud({
    velocity,
    majorAmount: input.money.amount / 10 ** (currencyExponent(input.money.currency) ?? 2),
    cardCountry: input.customer.country,
    ipCountry: undefined,
    email: input.customer.email,
  });
}

/** Velocity keys carry a hash, never an email or IP address in the clear. */
function pseudonym(value: string | undefined): string {
  return value === undefined
    ? 'none'
    : createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
