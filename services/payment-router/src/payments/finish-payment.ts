import type pg from 'pg';
import type { PaymentEventName } from '../contracts.ts';
import { authorizeTransfer, captureTransfer } from '../domain/ledger.ts';
import type { Transfer } from '../domain/ledger.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';
import type { AttemptOutcome } from '../domain/routing/decline.ts';
import type { PlannedAttempt } from './begin-payment.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentRow, PaymentView, RoutingTrace } from './payment-view.ts';
import { viewOf } from './payment-view.ts';
import { outboxEventOf, paymentRef, transferId } from './payment-writes.ts';
import { Batcher } from './batcher.ts';
import type { ItemResult } from './batcher.ts';

/** The idempotency key a payment was created under, whose answer its finish stores. */
export interface KeyBinding {
  merchantId: string;
  key: string;
}

/** What a finish knows beyond the row: the routing trace so far, and the request's key. */
export interface FinishContext {
  trace?: RoutingTrace;
  key?: KeyBinding;
}

export interface FinishedAttempt {
  attemptId: string;
  psp: string;
  outcome: AttemptOutcome;
  latencyMs: number | null;
}

/** A move of the payment, with the columns it sets. */
interface Step {
  status: PaymentStatus;
  psp?: string;
  pspChargeId?: string;
  declineCode?: string;
  routing?: RoutingTrace;
  capturedAmount?: number;
}

/** An attempt's answer as payment_attempts stores it. */
export function attemptFields(
  attemptId: string,
  outcome: AttemptOutcome,
  latencyMs: number | null,
) {
  return {
    id: attemptId,
    status: outcome.kind === 'unavailable' ? 'soft_decline' : outcome.kind,
    declineCode:
      'code' in outcome ? outcome.code : outcome.kind === 'unavailable' ? 'psp_unavailable' : null,
    pspChargeId: outcome.kind === 'approved' ? outcome.pspChargeId : null,
    latencyMs,
  };
}

/**
 * Records an attempt's answer that does not finish the payment. With `next` (a cascade), the
 * next PSP's attempt is inserted as pending in the same statement: one round trip and commit.
 */
export async function recordAttempt(
  client: Pick<pg.Pool, 'query'>,
  attemptId: string,
  outcome: AttemptOutcome,
  latencyMs: number | null,
  next?: { paymentId: string; attempt: PlannedAttempt },
) {
  const attempt = attemptFields(attemptId, outcome, latencyMs);
  await client.query(
    `WITH recorded AS (
       UPDATE payment_attempts SET status = $2, decline_code = $3, psp_charge_id = $4,
         latency_ms = coalesce($5, latency_ms)
       WHERE id = $1)
     INSERT INTO payment_attempts (id, payment_id, seq, psp, status)
     SELECT $6::uuid, $7::uuid, $8::smallint, $9::text, 'pending' WHERE $6::uuid IS NOT NULL`,
    [
      attempt.id,
      attempt.status,
      attempt.declineCode,
      attempt.pspChargeId,
      attempt.latencyMs,
      next?.attempt.attemptId ?? null,
      next?.paymentId ?? null,
      next?.attempt.seq ?? null,
      next?.attempt.psp ?? null,
    ],
  );
}

/**
 * Commits an attempt's final outcome: approved (authorize, and capture when automatic, with
 * their ledger transfers and events) or declined. When the recovery job got there first, its
 * result stands and is returned.
 */
export function finishAttempt(
  deps: PaymentDeps,
  row: PaymentRow,
  attempt: FinishedAttempt,
  context: FinishContext = {},
): Promise<PaymentView> {
  const { outcome, psp } = attempt;
  const routing = context.trace ?? row.routing;
  const recorded = attemptFields(attempt.attemptId, outcome, attempt.latencyMs);
  if (outcome.kind !== 'approved') {
    const declineCode = 'code' in outcome ? outcome.code : outcome.kind;
    const steps: Step[] = [{ status: 'declined', psp, declineCode, routing }];
    return finishPayment(deps, row, { attempt: recorded, steps, key: context.key });
  }
  const steps: Step[] = [{ status: 'authorized', psp, pspChargeId: outcome.pspChargeId, routing }];
  if (row.capture_method === 'automatic') {
    steps.push({ status: 'captured', capturedAmount: Number(row.amount) });
  }
  return finishPayment(deps, row, {
    attempt: recorded,
    steps,
    captureOperationId: attempt.attemptId,
    key: context.key,
  });
}

/** No PSP approved: declined with the last soft decline, else failed (nothing answered). */
export function finishExhausted(
  deps: PaymentDeps,
  row: PaymentRow,
  last: FinishedAttempt | undefined,
  context: FinishContext = {},
) {
  if (last?.outcome.kind === 'soft_decline') return finishAttempt(deps, row, last, context);
  const declineCode = last?.outcome.kind === 'timeout' ? 'psp_timeout' : 'no_psp_available';
  const steps: Step[] = [{ status: 'failed', declineCode, routing: context.trace ?? row.routing }];
  return finishPayment(deps, row, { steps, key: context.key });
}

/** Declined before any PSP call (fraud). */
export function finishDeclined(
  deps: PaymentDeps,
  row: PaymentRow,
  declineCode: string,
  context: FinishContext & { trace: RoutingTrace },
) {
  const steps: Step[] = [{ status: 'declined', declineCode, routing: context.trace }];
  return finishPayment(deps, row, { steps, key: context.key });
}

const EVENT_OF: Partial<Record<PaymentStatus, PaymentEventName>> = {
  authorized: 'authorized',
  captured: 'captured',
  declined: 'declined',
  failed: 'failed',
};

/**
 * One round trip (the SQL function `finish_payments`, migrations/0002 to 0006): the attempt's
 * answer, the payment's moves, the settleable capture, the ledger transfers, one outbox event
 * per move and, given the request's key, the answer stored under it, in one transaction.
 * Events and transfers are computed here from the row as each move leaves it.
 */
async function finishPayment(
  deps: PaymentDeps,
  row: PaymentRow,
  finish: {
    attempt?: ReturnType<typeof attemptFields>;
    steps: Step[];
    captureOperationId?: string | undefined;
    key?: KeyBinding | undefined;
  },
): Promise<PaymentView> {
  const { attempt, steps, captureOperationId, key } = finish;
  const transfers: Transfer[] = [];
  const events = [];
  let after = row;
  for (const step of steps) {
    after = rowAfter(after, step);
    const amount = Number(after.amount);
    if (step.status === 'authorized') {
      transfers.push(authorizeTransfer(transferId(row.id, 'authorize'), paymentRef(after), amount));
    }
    if (step.status === 'captured') {
      transfers.push(
        captureTransfer(transferId(row.id, 'capture'), paymentRef(after), amount, amount),
      );
    }
    const moved = step.status === 'authorized' || step.status === 'captured' ? amount : 0;
    events.push(outboxEventOf(after, EVENT_OF[step.status]!, moved));
  }
  const operation =
    captureOperationId === undefined || after.status !== 'captured'
      ? null
      : { id: captureOperationId, kind: 'capture', amount: Number(after.captured_amount) };
  const item: FinishItem = {
    payment: row.id,
    attempt: attempt ?? null,
    move: oneMove(steps),
    operation,
    transfers: await deps.ledger.prepareRows(transfers),
    events,
    key: key === undefined ? null : { merchant: key.merchantId, key: key.key },
  };
  const finished =
    deps.finisher === undefined
      ? await finishOne(deps.pool, item)
      : await deps.finisher.submit(item);
  return viewOf(finished);
}

/**
 * The steps as the SQL function's `p_move`, one UPDATE: every column the steps set (a later
 * step's win), and for two steps, the first's status as the one passed through (`via`, which
 * the state-machine trigger checks and records as a move of its own).
 */
function oneMove(steps: readonly Step[]): Move {
  const merged = Object.assign({}, ...steps) as Step;
  return steps.length > 1 ? { ...merged, via: steps[0]!.status } : merged;
}

interface Move extends Step {
  via?: PaymentStatus;
}

/** An item of the SQL function finish_payments: the arguments of finish_payment, and the key. */
export interface FinishItem {
  payment: string;
  attempt: ReturnType<typeof attemptFields> | null;
  move: Move;
  operation: { id: string; kind: string; amount: number } | null;
  transfers: unknown[];
  events: unknown[];
  /** The request whose answer to store, as {merchant, key}. */
  key: { merchant: string; key: string } | null;
}

/** One finish step in a transaction of its own: a batch of one. */
export async function finishOne(pool: Pick<pg.Pool, 'query'>, item: FinishItem) {
  const [result] = await finishBatch(pool, [item]);
  if (!result!.ok) throw result!.error;
  return result!.value;
}

/** Items of a batch in one call of `finish_payments`; one result (row or error) per item. */
async function finishBatch(
  pool: Pick<pg.Pool, 'query'>,
  items: FinishItem[],
): Promise<ItemResult<PaymentRow>[]> {
  const { rows } = await pool.query<FinishedRow>({
    name: 'finish_payments',
    text: 'SELECT f.idx, f.err_state, f.err_message, f.err_constraint, (f.p).* FROM finish_payments($1::jsonb) f ORDER BY f.idx',
    values: [JSON.stringify(items)],
  });
  return rows.map(({ idx: _idx, err_state, err_message, err_constraint, ...row }) =>
    err_state === null
      ? { ok: true as const, value: row }
      : {
          ok: false as const,
          error: new FinishItemError(
            err_state,
            err_message ?? 'finish failed',
            err_constraint ?? undefined,
          ),
        },
  );
}

/** An item of a batch that failed alone, as pg reports a failed statement. */
export class FinishItemError extends Error {
  readonly code: string;
  readonly constraint: string | undefined;
  constructor(code: string, message: string, constraint: string | undefined) {
    super(message);
    this.code = code;
    this.constraint = constraint;
  }
}

/**
 * Group commit (migrations/0004, 0006: `finish_payments`): the finish steps of concurrent
 * authorizations in one call and one transaction, each item in a subtransaction of its own.
 * Two batches commit at once: they share only the balance rows, which a batch locks in its
 * last statement (0006), so the second does not wait for the first.
 */
export function createFinishBatcher(
  pool: Pick<pg.Pool, 'query'>,
  options: { maxBatch: number; maxWaitMs: number },
): Batcher<FinishItem, PaymentRow> {
  return new Batcher<FinishItem, PaymentRow>({
    ...options,
    maxInFlight: 2,
    runOne: (item) => finishOne(pool, item),
    runBatch: (items) => finishBatch(pool, items),
  });
}

interface FinishedRow extends PaymentRow {
  idx: number;
  err_state: string | null;
  err_message: string | null;
  err_constraint: string | null;
}

function rowAfter(row: PaymentRow, step: Step): PaymentRow {
  return {
    ...row,
    status: step.status,
    psp: step.psp ?? row.psp,
    psp_charge_id: step.pspChargeId ?? row.psp_charge_id,
    decline_code: step.declineCode ?? row.decline_code,
    captured_amount:
      step.capturedAmount === undefined ? row.captured_amount : String(step.capturedAmount),
  };
}
