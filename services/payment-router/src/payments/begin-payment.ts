import type pg from 'pg';
import type { SealedCard } from '../adapters/card-vault.ts';
import type { CheckedCard } from '../domain/card.ts';
import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import type { Money } from '../domain/money.ts';
import { Batcher } from './batcher.ts';
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
  const [row] = await beginPayments(pool, [p]);
  return row!;
}

/**
 * What `beginPayment` does, for a batch of payments in one statement and one commit. The same
 * card twice in one batch fails the statement (ON CONFLICT may not touch a row twice); the
 * batcher then begins each payment alone.
 */
export async function beginPayments(pool: Pick<pg.Pool, 'query'>, payments: NewPayment[]) {
  const { rows } = await pool.query<PaymentRow>({
    name: 'begin_payments',
    text: BEGIN_PAYMENTS,
    values: [JSON.stringify(payments.map(inputOf))],
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return payments.map((p) => byId.get(p.id));
}

/** Group commit of the begin step (see Batcher). */
export function createBeginBatcher(
  pool: Pick<pg.Pool, 'query'>,
  options: { maxBatch: number; maxWaitMs: number },
): Batcher<NewPayment, PaymentRow> {
  return new Batcher<NewPayment, PaymentRow>({
    ...options,
    runOne: (payment) => beginPayment(pool, payment),
    runBatch: async (payments) =>
      (await beginPayments(pool, payments)).map((row) =>
        row === undefined
          ? { ok: false as const, error: new Error('payment not begun') }
          : { ok: true as const, value: row },
      ),
  });
}

function inputOf(p: NewPayment) {
  return {
    id: p.id,
    merchant: p.merchantId,
    amount: p.money.amount,
    currency: p.money.currency,
    capture_method: p.captureMethod,
    brand: p.card.brand,
    last4: p.card.last4,
    country: p.country,
    fraud: p.fraud,
    routing: p.routing,
    description: p.description,
    lease_ms: p.leaseMs,
    key: p.key,
    token: p.sealed.token,
    fingerprint: p.sealed.fingerprint.toString('hex'),
    ciphertext: p.sealed.ciphertext.toString('hex'),
    iv: p.sealed.iv.toString('hex'),
    tag: p.sealed.tag.toString('hex'),
    bin: p.card.bin,
    exp_month: p.card.expMonth,
    exp_year: p.card.expYear,
    attempt_id: p.firstAttempt?.attemptId ?? null,
    attempt_seq: p.firstAttempt?.seq ?? null,
    attempt_psp: p.firstAttempt?.psp ?? null,
  };
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

// Binary columns travel as hex; the vault rows are written in fingerprint order, so two
// batches lock them in the same order.
const BEGIN_PAYMENTS = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS p(
    id uuid, merchant text, amount bigint, currency char(3), capture_method text, brand text,
    last4 char(4), country char(2), fraud jsonb, routing jsonb, description text, lease_ms int,
    key text, token text, fingerprint text, ciphertext text, iv text, tag text, bin char(6),
    exp_month smallint, exp_year smallint, attempt_id uuid, attempt_seq smallint, attempt_psp text)
), vaulted AS (
  INSERT INTO card_vault (token, fingerprint, pan_ciphertext, pan_iv, pan_tag, brand, bin, last4, exp_month, exp_year)
  SELECT token, decode(fingerprint, 'hex'), decode(ciphertext, 'hex'), decode(iv, 'hex'),
         decode(tag, 'hex'), brand, bin, last4, exp_month, exp_year
  FROM input ORDER BY fingerprint
  ON CONFLICT (fingerprint) DO UPDATE SET exp_month = EXCLUDED.exp_month, exp_year = EXCLUDED.exp_year
  RETURNING token, fingerprint
), payment AS (
  INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token,
    card_brand, card_last4, card_country, fraud, routing, description, lease_until)
  SELECT i.id, i.merchant, i.amount, i.currency, 'processing', i.capture_method, v.token,
         i.brand, i.last4, i.country, i.fraud, i.routing, i.description,
         now() + make_interval(secs => i.lease_ms / 1000.0)
  FROM input i JOIN vaulted v ON v.fingerprint = decode(i.fingerprint, 'hex')
  RETURNING *
), bound AS (
  UPDATE idempotency_keys k SET payment_id = i.id
  FROM input i WHERE k.merchant_id = i.merchant AND k.key = i.key
), attempt AS (
  INSERT INTO payment_attempts (id, payment_id, seq, psp, status)
  SELECT i.attempt_id, p.id, i.attempt_seq, i.attempt_psp, 'pending'
  FROM input i JOIN payment p ON p.id = i.id WHERE i.attempt_id IS NOT NULL
)
SELECT * FROM payment`;
