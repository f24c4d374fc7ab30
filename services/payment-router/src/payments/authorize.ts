import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '@scale-models/postgres';
import type pg from 'pg';
import type { CheckedCard } from '../domain/card.ts';
import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import { scoreFraud } from '../domain/fraud/score-fraud.ts';
import { authorizeTransfer, captureTransfer } from '../domain/ledger.ts';
import type { Money } from '../domain/money.ts';
import { currencyExponent } from '../domain/money.ts';
import type { AttemptOutcome } from '../domain/routing/decline.ts';
import { mayCascade } from '../domain/routing/decline.ts';
import type { RoutedPayment } from '../domain/routing/routing-rules.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentRow, PaymentView, RoutingTrace } from './payment-view.ts';
import { viewOf } from './payment-view.ts';
import {
  bookPspOperation,
  paymentRef,
  recordMovement,
  transferId,
  transition,
} from './payment-writes.ts';
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
  const vaulted = await deps.vault.tokenize(deps.pool, input.card);
  const id = uuidv7();
  const fraud = await assessFraud(deps, id, vaulted.fingerprint, input);
  const routed: RoutedPayment = {
    amount: input.money.amount,
    currency: input.money.currency,
    brand: input.card.brand,
    country: input.customer.country,
    bin: input.card.bin,
  };
  const plan =
    fraud.decision === 'decline'
      ? { candidates: [], reasons: ['fraud: declined'] }
      : deps.routing.plan(routed);
  const trace: RoutingTrace = { reasons: plan.reasons, attempts: [] };
  // One statement, so one atomic step: the payment exists, processing and leased, and the
  // idempotency key points at it, before any PSP hears of it.
  const { rows } = await deps.pool.query<PaymentRow>(
    `WITH payment AS (
       INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token,
         card_brand, card_last4, card_country, fraud, routing, description, lease_until)
       VALUES ($1, $2, $3, $4, 'processing', $5, $6, $7, $8, $9, $10, $11, $12,
               now() + make_interval(secs => $13::int / 1000.0))
       RETURNING *
     ), bound AS (
       UPDATE idempotency_keys SET payment_id = $1 WHERE merchant_id = $2 AND key = $14
     )
     SELECT * FROM payment`,
    [
      id,
      binding.merchantId,
      input.money.amount,
      input.money.currency,
      fraud.decision === 'review' ? 'manual' : input.captureMethod,
      vaulted.token,
      input.card.brand,
      input.card.last4,
      input.customer.country,
      JSON.stringify(fraud),
      JSON.stringify(trace),
      input.description ?? null,
      deps.leaseMs,
      binding.key,
    ],
  );
  const row = rows[0]!;
  if (fraud.decision === 'decline') return finishDeclined(deps, row, 'fraud_suspected', trace);

  let last: FinishedAttempt | undefined;
  for (const [seq, candidate] of plan.candidates.slice(0, MAX_ATTEMPTS).entries()) {
    if (!deps.routing.allows(candidate.psp)) {
      trace.reasons.push(`${candidate.psp}: circuit open, skipped`);
      continue;
    }
    const attemptId = uuidv7();
    await deps.pool.query(
      `INSERT INTO payment_attempts (id, payment_id, seq, psp, status) VALUES ($1, $2, $3, $4, 'pending')`,
      [attemptId, id, seq, candidate.psp],
    );
    const started = performance.now();
    const outcome = await attemptCharge(deps.psps.get(candidate.psp)!, attemptId, {
      amount: input.money.amount,
      currency: input.money.currency,
      country: input.customer.country,
      capture: row.capture_method === 'automatic',
      card: input.card,
    });
    const latencyMs = Math.round(performance.now() - started);
    deps.routing.learn(routed, candidate.psp, outcome);
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

/** No PSP approved: declined with the last soft decline, else failed (nothing answered). */
export function finishExhausted(
  deps: PaymentDeps,
  row: PaymentRow,
  last: FinishedAttempt | undefined,
  trace?: RoutingTrace,
) {
  return last?.outcome.kind === 'soft_decline'
    ? finishAttempt(deps, row, last, trace)
    : finishFailed(deps, row, last?.outcome ?? { kind: 'unavailable' }, trace);
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

export async function recordAttempt(
  client: Pick<pg.Pool, 'query'>,
  attemptId: string,
  outcome: AttemptOutcome,
  latencyMs: number | null,
) {
  await client.query(
    `UPDATE payment_attempts SET status = $2, decline_code = $3, psp_charge_id = $4, latency_ms = coalesce($5, latency_ms)
     WHERE id = $1`,
    [
      attemptId,
      outcome.kind === 'unavailable' ? 'soft_decline' : outcome.kind,
      'code' in outcome ? outcome.code : outcome.kind === 'unavailable' ? 'psp_unavailable' : null,
      outcome.kind === 'approved' ? outcome.pspChargeId : null,
      latencyMs,
    ],
  );
}

export interface FinishedAttempt {
  attemptId: string;
  psp: string;
  outcome: AttemptOutcome;
  latencyMs: number | null;
}

/**
 * Commits an attempt's final outcome: approved (authorize, and capture when automatic, with
 * their ledger transfers and events) or declined. Guarded on the payment still processing:
 * when the recovery job got there first, its result stands and is returned.
 */
export async function finishAttempt(
  deps: PaymentDeps,
  row: PaymentRow,
  attempt: FinishedAttempt,
  trace?: RoutingTrace,
): Promise<PaymentView> {
  return withTransaction(
    deps.pool,
    async (client) => {
      const { rows } = await client.query<PaymentRow>(
        `SELECT * FROM payments WHERE id = $1 FOR UPDATE`,
        [row.id],
      );
      const current = rows[0]!;
      if (current.status !== 'processing') return viewOf(current);
      await recordAttempt(client, attempt.attemptId, attempt.outcome, attempt.latencyMs);
      const routing = JSON.stringify(trace ?? current.routing);
      const { outcome } = attempt;
      if (outcome.kind !== 'approved') {
        const declined = await transition(client, row.id, 'declined', {
          psp: attempt.psp,
          decline_code: 'code' in outcome ? outcome.code : outcome.kind,
          routing,
          lease_until: null,
        });
        await recordMovement(client, deps.ledger, declined, 'declined', 0, []);
        return viewOf(declined);
      }
      const authorized = await transition(client, row.id, 'authorized', {
        psp: attempt.psp,
        psp_charge_id: outcome.pspChargeId,
        routing,
        lease_until: null,
      });
      const amount = Number(authorized.amount);
      const ref = paymentRef(authorized);
      const authorizing = authorizeTransfer(transferId(row.id, 'authorize'), ref, amount);
      if (authorized.capture_method === 'manual') {
        await recordMovement(client, deps.ledger, authorized, 'authorized', amount, [authorizing]);
        return viewOf(authorized);
      }
      // Captured with the charge: both transfers in one posting, one event each.
      await recordMovement(client, deps.ledger, authorized, 'authorized', amount, []);
      const captured = await transition(client, row.id, 'captured', { captured_amount: amount });
      // The PSP's settlement line for it carries the attempt id.
      await bookPspOperation(client, captured, attempt.attemptId, 'capture', amount);
      await recordMovement(client, deps.ledger, captured, 'captured', amount, [
        authorizing,
        captureTransfer(transferId(row.id, 'capture'), ref, amount, amount),
      ]);
      return viewOf(captured);
    },
    { retries: 3 },
  );
}

async function finishDeclined(
  deps: PaymentDeps,
  row: PaymentRow,
  code: string,
  trace: RoutingTrace,
) {
  return withTransaction(deps.pool, async (client) => {
    const declined = await transition(client, row.id, 'declined', {
      decline_code: code,
      routing: JSON.stringify(trace),
      lease_until: null,
    });
    await recordMovement(client, deps.ledger, declined, 'declined', 0, []);
    return viewOf(declined);
  });
}

/** Every PSP was skipped, unavailable or timed out without charging. */
async function finishFailed(
  deps: PaymentDeps,
  row: PaymentRow,
  last: AttemptOutcome,
  trace?: RoutingTrace,
) {
  return withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<PaymentRow>(
      `SELECT * FROM payments WHERE id = $1 FOR UPDATE`,
      [row.id],
    );
    if (rows[0]!.status !== 'processing') return viewOf(rows[0]!);
    const failed = await transition(client, row.id, 'failed', {
      decline_code: last.kind === 'timeout' ? 'psp_timeout' : 'no_psp_available',
      routing: JSON.stringify(trace ?? rows[0]!.routing),
      lease_until: null,
    });
    await recordMovement(client, deps.ledger, failed, 'failed', 0, []);
    return viewOf(failed);
  });
}
