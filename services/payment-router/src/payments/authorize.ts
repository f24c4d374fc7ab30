import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { SealedCard } from '../adapters/card-vault.ts';
import type { CheckedCard } from '../domain/card.ts';
import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import { scoreFraud } from '../domain/fraud/score-fraud.ts';
import type { Money } from '../domain/money.ts';
import { currencyExponent } from '../domain/money.ts';
import { mayCascade } from '../domain/routing/decline.ts';
import type { RoutedPayment } from '../domain/routing/routing-rules.ts';
import type { NewPayment, PlannedAttempt } from './begin-payment.ts';
import { beginPayment } from './begin-payment.ts';
import type { FinishedAttempt, KeyBinding } from './finish-payment.ts';
import { finishAttempt, finishDeclined, finishExhausted, recordAttempt } from './finish-payment.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentView, RoutingTrace } from './payment-view.ts';
import { viewOf } from './payment-view.ts';
import type { PlannedRoute } from './routing-engine.ts';
import { attemptCharge } from './resolve-attempt.ts';

export interface CreatePayment {
  money: Money;
  card: CheckedCard;
  /** The card as the vault will store it; its fingerprint also keys the velocity windows. */
  sealed: SealedCard;
  captureMethod: 'automatic' | 'manual';
  customer: { country: string; email?: string; ip?: string; deviceId?: string };
  description?: string;
}

/** At most this many PSPs are tried for one payment. */
const MAX_ATTEMPTS = 3;

/** The payment as it stands, and whether its finish stored the answer under the request's key. */
export interface Authorization {
  view: PaymentView;
  answerStored: boolean;
}

/** What Redis says about a payment before it begins: its fraud assessment and its route plan. */
export interface Screening {
  fraud: FraudAssessment;
  routes: PlannedRoute;
}

/**
 * Starts the payment's two Redis calls at once: the velocity windows (then the fraud model)
 * and the routing memory of its segment. The caller runs this while the request's key is
 * claimed, so the attempt is recorded in the windows under the key, not the payment: a
 * duplicate of a request (a replay, or one refused while the first runs) counts once.
 */
export async function screen(
  deps: PaymentDeps,
  binding: KeyBinding,
  input: CreatePayment,
): Promise<Screening> {
  const [fraud, routes] = await Promise.all([
    assessFraud(deps, requestPseudonym(binding), input),
    deps.routing.plan(routedOf(input)),
  ]);
  return { fraud, routes };
}

/**
 * Authorizes a payment: begin it with its screening, then try PSPs in order.
 * The payment row exists (processing, leased) before any PSP call, so a crash at any point
 * leaves something the recovery job can resolve by status inquiry; every PSP call carries the
 * attempt id as the PSP's idempotency key, so no retry charges twice. The key the payment is
 * created under is bound to it when it begins, and its answer is stored when it finishes.
 */
export async function authorize(
  deps: PaymentDeps,
  binding: KeyBinding,
  input: CreatePayment,
  { fraud, routes }: Screening,
): Promise<Authorization> {
  const id = uuidv7();
  const routed = routedOf(input);
  const declined = fraud.decision === 'decline';
  const plan: PlannedRoute = declined
    ? { candidates: [], reasons: ['fraud: declined'], breakers: new Map() }
    : routes;
  const trace: RoutingTrace = { reasons: plan.reasons, attempts: [] };
  let next = await nextAttempt(deps, plan, 0, trace);
  const payment: NewPayment = {
    id,
    merchantId: binding.merchantId,
    key: binding.key,
    money: input.money,
    captureMethod: fraud.decision === 'review' ? 'manual' : input.captureMethod,
    card: input.card,
    sealed: input.sealed,
    country: input.customer.country,
    fraud,
    routing: trace,
    description: input.description ?? null,
    leaseMs: deps.leaseMs,
    firstAttempt: next,
  };
  const row =
    deps.beginner === undefined
      ? await beginPayment(deps.pool, payment)
      : await deps.beginner.submit(payment);
  const context = { trace, key: binding };
  // Each attempt's outcome is learnt (Redis) while the payment goes on; the request waits for
  // all of it only at its end. A failure is observed at once (else, unhandled, it would end
  // the process) and still fails the request there.
  const learnings: Promise<void>[] = [];
  const settle = async (finishing: Promise<PaymentView>) => {
    const [view] = await Promise.all([finishing, ...learnings]);
    return { view, answerStored: true };
  };
  if (declined) return settle(finishDeclined(deps, row, 'fraud_suspected', context));

  let last: FinishedAttempt | undefined;
  while (next !== undefined) {
    const { attemptId, psp } = next;
    const started = performance.now();
    const outcome = await attemptCharge(deps.psps.get(psp)!, attemptId, {
      amount: input.money.amount,
      currency: input.money.currency,
      country: input.customer.country,
      capture: row.capture_method === 'automatic',
      card: input.card,
    });
    const latencyMs = Math.round(performance.now() - started);
    const learning = deps.routing.learn(routed, psp, outcome);
    learning.catch(() => undefined);
    learnings.push(learning);
    trace.attempts.push({
      psp,
      outcome: outcome.kind,
      latencyMs,
      ...('code' in outcome ? { code: outcome.code } : {}),
    });
    if (outcome.kind === 'approved' && deps.crashAt === 'after_psp_approval')
      process.kill(process.pid, 'SIGKILL');
    last = { attemptId, psp, outcome, latencyMs };
    if (outcome.kind === 'unknown') {
      // The PSP may have charged: leave the payment processing for the recovery job.
      await Promise.all([recordAttempt(deps.pool, attemptId, outcome, latencyMs), ...learnings]);
      return { view: viewOf(row), answerStored: false };
    }
    if (!mayCascade(outcome)) return settle(finishAttempt(deps, row, last, context));
    next = await nextAttempt(deps, plan, next.seq + 1, trace);
    await recordAttempt(
      deps.pool,
      attemptId,
      outcome,
      latencyMs,
      next === undefined ? undefined : { paymentId: id, attempt: next },
    );
  }
  return settle(finishExhausted(deps, row, last, context));
}

/** The next PSP to try from candidate `from` on, skipping those whose breaker is open. */
async function nextAttempt(
  deps: PaymentDeps,
  plan: PlannedRoute,
  from: number,
  trace: RoutingTrace,
): Promise<PlannedAttempt | undefined> {
  for (let seq = from; seq < Math.min(plan.candidates.length, MAX_ATTEMPTS); seq++) {
    const { psp } = plan.candidates[seq]!;
    if (await deps.routing.allows(plan, psp)) return { attemptId: uuidv7(), seq, psp };
    trace.reasons.push(`${psp}: circuit open, skipped`);
  }
  return undefined;
}

function routedOf(input: CreatePayment): RoutedPayment {
  return {
    amount: input.money.amount,
    currency: input.money.currency,
    brand: input.card.brand,
    country: input.customer.country,
    bin: input.card.bin,
  };
}

async function assessFraud(
  deps: PaymentDeps,
  requestId: string,
  input: CreatePayment,
): Promise<FraudAssessment> {
  const velocity = await deps.velocity.record(
    {
      requestId,
      cardFingerprint: input.sealed.fingerprint.toString('hex'),
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

/** The request in the velocity windows: its merchant and idempotency key, hashed. */
function requestPseudonym(binding: KeyBinding): string {
  return pseudonym(`${binding.merchantId}\u0000${binding.key}`);
}

/** Velocity keys carry a hash, never an email or IP address in the clear. */
function pseudonym(value: string | undefined): string {
  return value === undefined
    ? 'none'
    : createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
