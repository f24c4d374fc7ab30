import type pg from 'pg';
import type { SealedCard } from '../adapters/card-vault.ts';
import type { CheckedCard } from '../domain/card.ts';
import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import type { Money } from '../domain/money.ts';
import type { PaymentRow, RoutingTrace } from './payment-view.ts';

/** An attempt at a PSP, recorded as pending before the PSP hears of it. */
export interface PlannedAttempt {
  /** Also the PSP's idempotency key and the reference its status inquiry knows. */
  attemptId: string;
  seq: number;
  psp: string;
}

export interface NewPayment {
  id: string;
  merchantId: string;
  /** The idempotency key the payment is created under. */
  key: string;
  money: Money;
  captureMethod: 'automatic' | 'manual';
  card: CheckedCard;
  sealed: SealedCard;
  country: string;
  fraud: FraudAssessment;
  routing: RoutingTrace;
  description: string | null;
  leaseMs: number;
  /** The first PSP attempt, recorded in the same statement (none: no PSP will be tried). */
  firstAttempt: PlannedAttempt | undefined;
}

/**
 * One statement, so one atomic step and one round trip: the card is in the vault (a card seen
 * before keeps its token), the payment exists, processing and leased, and the idempotency key
 * points at it, and its first attempt is pending, before any PSP hears of it.
 */
export async function beginPayment(pool: Pick<pg.Pool, 'query'>, p: NewPayment) {
  const { rows } = await pool.query<PaymentRow>({
    name: 'begin_payment',
    text: BEGIN_PAYMENT,
    values: [
      p.id,
      p.merchantId,
      p.money.amount,
      p.money.currency,
      p.captureMethod,
      p.card.brand,
      p.card.last4,
      p.country,
      JSON.stringify(p.fraud),
      JSON.stringify(p.routing),
      p.description,
      p.leaseMs,
      p.key,
      p.sealed.token,
      p.sealed.fingerprint,
      p.sealed.ciphertext,
      p.sealed.iv,
      p.sealed.tag,
      p.card.bin,
      p.card.expMonth,
      p.card.expYear,
      p.firstAttempt?.attemptId ?? null,
      p.firstAttempt?.seq ?? null,
      p.firstAttempt?.psp ?? null,
    ],
  });
  return rows[0]!;
}

/** A later attempt (after a cascade), pending before the PSP hears of it. */
export async function insertAttempt(
  pool: Pick<pg.Pool, 'query'>,
  paymentId: string,
  attempt: PlannedAttempt,
): Promise<void> {
  await pool.query(
    `INSERT INTO payment_attempts (id, payment_id, seq, psp, status) VALUES ($1, $2, $3, $4, 'pending')`,
    [attempt.attemptId, paymentId, attempt.seq, attempt.psp],
  );
}

const BEGIN_PAYMENT = `
WITH vaulted AS (
  INSERT INTO card_vault (token, fingerprint, pan_ciphertext, pan_iv, pan_tag, brand, bin, last4, exp_month, exp_year)
  VALUES ($14, $15, $16, $17, $18, $6, $19, $7, $20, $21)
  ON CONFLICT (fingerprint) DO UPDATE SET exp_month = EXCLUDED.exp_month, exp_year = EXCLUDED.exp_year
  RETURNING token
), payment AS (
  INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token,
    card_brand, card_last4, card_country, fraud, routing, description, lease_until)
  SELECT $1, $2, $3, $4, 'processing', $5, vaulted.token, $6, $7, $8, $9, $10, $11,
         now() + make_interval(secs => $12::int / 1000.0)
  FROM vaulted
  RETURNING *
), bound AS (
  UPDATE idempotency_keys SET payment_id = $1 WHERE merchant_id = $2 AND key = $13
), attempt AS (
  INSERT INTO payment_attempts (id, payment_id, seq, psp, status)
  SELECT $22::uuid, id, $23, $24, 'pending' FROM payment WHERE $22::uuid IS NOT NULL
)
SELECT * FROM payment`;
