import type pg from 'pg';
import type { SealedCard } from '../adapters/card-vault.ts';
import type { CheckedCard } from '../domain/card.ts';
import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import type { Money } from '../domain/money.ts';
import type { PaymentRow, RoutingTrace } from './payment-view.ts';

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
}

/**
 * One statement, so one atomic step and one round trip: the card is in the vault (a card seen
 * before keeps its token), the payment exists, processing and leased, and the idempotency key
 * points at it, before any PSP hears of it.
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
    ],
  });
  return rows[0]!;
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
)
SELECT * FROM payment`;
