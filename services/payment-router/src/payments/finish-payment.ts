import type pg from 'pg';
import type { PaymentEventName } from '../contracts.ts';
import { authorizeTransfer, captureTransfer } from '../domain/ledger.ts';
import type { Transfer } from '../domain/ledger.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';
import type { AttemptOutcome } from '../domain/routing/decline.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentRow, PaymentView, RoutingTrace } from './payment-view.ts';
import { viewOf } from './payment-view.ts';
import { outboxEventOf, paymentRef, transferId } from './payment-writes.ts';
import { Batcher } from './batcher.ts';

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

export async function recordAttempt(
  client: Pick<pg.Pool, 'query'>,
  attemptId: string,
  outcome: AttemptOutcome,
  latencyMs: number | null,
) {
  const attempt = attemptFields(attemptId, outcome, latencyMs);
  await client.query(
    `UPDATE payment_attempts SET status = $2, decline_code = $3, psp_charge_id = $4, latency_ms = coalesce($5, latency_ms)
     WHERE id = $1`,
    [attempt.id, attempt.status, attempt.declineCode, attempt.pspChargeId, attempt.latencyMs],
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
  trace?: RoutingTrace,
): Promise<PaymentView> {
  const { outcome, psp } = attempt;
  const routing = trace ?? row.routing;
  const recorded = attemptFields(attempt.attemptId, outcome, attempt.latencyMs);
  if (outcome.kind !== 'approved') {
    const declineCode = 'code' in outcome ? outcome.code : outcome.kind;
    return finishPayment(deps, row, recorded, [{ status: 'declined', psp, declineCode, routing }]);
  }
  const steps: Step[] = [{ status: 'authorized', psp, pspChargeId: outcome.pspChargeId, routing }];
  if (row.capture_method === 'automatic') {
    steps.push({ status: 'captured', capturedAmount: Number(row.amount) });
  }
  return finishPayment(deps, row, recorded, steps, attempt.attemptId);
}

/** No PSP approved: declined with the last soft decline, else failed (nothing answered). */
export function finishExhausted(
  deps: PaymentDeps,
  row: PaymentRow,
  last: FinishedAttempt | undefined,
  trace?: RoutingTrace,
) {
  if (last?.outcome.kind === 'soft_decline') return finishAttempt(deps, row, last, trace);
  const declineCode = last?.outcome.kind === 'timeout' ? 'psp_timeout' : 'no_psp_available';
  return finishPayment(deps, row, undefined, [
    { status: 'failed', declineCode, routing: trace ?? row.routing },
  ]);
}

/** Declined before any PSP call (fraud). */
export function finishDeclined(
  deps: PaymentDeps,
  row: PaymentRow,
  declineCode: string,
  routing: RoutingTrace,
) {
  return finishPayment(deps, row, undefined, [{ status: 'declined', declineCode, routing }]);
}

const EVENT_OF: Partial<Record<PaymentStatus, PaymentEventName>> = {
  authorized: 'authorized',
  captured: 'captured',
  declined: 'declined',
  failed: 'failed',
};

/**
 * One round trip (the SQL function `finish_payment`, migrations/0002): the attempt's answer,
 * the payment's moves, the settleable capture, the ledger transfers and one outbox event per
 * move, in one transaction. Events and transfers are computed here from the row as each move
 * leaves it.
 */
async function finishPayment(
  deps: PaymentDeps,
  row: PaymentRow,
  attempt: ReturnType<typeof attemptFields> | undefined,
  steps: Step[],
  captureOperationId?: string,
): Promise<PaymentView> {
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

/** The arguments of the SQL function finish_payment, as one JSON object. */
export interface FinishItem {
  payment: string;
  attempt: ReturnType<typeof attemptFields> | null;
  move: Move;
  operation: { id: string; kind: string; amount: number } | null;
  transfers: unknown[];
  events: unknown[];
}

/** One finish step in a transaction of its own (one call of `finish_payment`). */
export async function finishOne(pool: Pick<pg.Pool, 'query'>, item: FinishItem) {
  const { rows } = await pool.query<PaymentRow>({
    name: 'finish_payment',
    text: 'SELECT * FROM finish_payment($1, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb)',
    values: [
      item.payment,
      item.attempt === null ? null : JSON.stringify(item.attempt),
      JSON.stringify(item.move),
      item.operation === null ? null : JSON.stringify(item.operation),
      JSON.stringify(item.transfers),
      JSON.stringify(item.events),
    ],
  });
  return rows[0]!;
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
 * Group commit (migrations/0004, 0007: `finish_payments`): the finish steps of concurrent
 * authorizations in one call and one transaction, each item in a subtransaction of its own.
 * Two batches commit at once: they share only the balance rows, which a batch locks in its
 * last statement (0007), so the second does not wait for the first.
 */
export function createFinishBatcher(
  pool: Pick<pg.Pool, 'query'>,
  options: { maxBatch: number; maxWaitMs: number },
): Batcher<FinishItem, PaymentRow> {
  return new Batcher<FinishItem, PaymentRow>({
    ...options,
    maxInFlight: 2,
    runOne: (item) => finishOne(pool, item),
    runBatch: async (items) => {
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
    },
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
