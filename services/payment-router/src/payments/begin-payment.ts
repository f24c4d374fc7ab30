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
 * What `beginPayment` does, for a batch of payments in one statement and one commit (the SQL
 * function `begin_payments`, migrations/0005). The same
 * card twice in one batch fails the statement (ON CONFLICT may not touch a row twice); the
 * batcher then begins each payment alone.
 */
export async function beginPayments(pool: Pick<pg.Pool, 'query'>, payments: NewPayment[]) {
  const { rows } = await pool.query<PaymentRow>({
    name: 'begin_payments',
    text: 'SELECT * FROM begin_payments($1::jsonb)',
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
