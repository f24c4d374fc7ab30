import type { AttemptOutcome } from '../domain/routing/decline.ts';
import type { FinishedAttempt } from './finish-payment.ts';
import { finishAttempt, finishExhausted, recordAttempt } from './finish-payment.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentRow, PaymentView } from './payment-view.ts';
import { createStatusOf, viewOf } from './payment-view.ts';
import { inquire } from './resolve-attempt.ts';

interface AttemptRow {
  id: string;
  psp: string;
  status: string;
  decline_code: string | null;
  psp_charge_id: string | null;
  latency_ms: number | null;
}

/**
 * Resolves a payment left processing (its request died, or a PSP never said what it did):
 * every attempt that may have charged is looked up by status inquiry. A charge found is
 * committed as if the answer had come in time; no charge anywhere ends the payment declined
 * or failed. An attempt the PSP still cannot tell about keeps the payment processing.
 */
export async function resolvePayment(deps: PaymentDeps, row: PaymentRow): Promise<PaymentView> {
  const { rows: attempts } = await deps.pool.query<AttemptRow>(
    'SELECT * FROM payment_attempts WHERE payment_id = $1 ORDER BY seq',
    [row.id],
  );
  let last: FinishedAttempt | undefined;
  for (const attempt of attempts) {
    let outcome = storedOutcome(attempt);
    if (attempt.status === 'pending' || attempt.status === 'unknown') {
      outcome = await inquire(deps.psps.get(attempt.psp)!, attempt.id);
      if (outcome.kind === 'unknown') return viewOf(row);
      await recordAttempt(deps.pool, attempt.id, outcome, null);
    }
    last = { attemptId: attempt.id, psp: attempt.psp, outcome, latencyMs: attempt.latency_ms };
    if (outcome.kind === 'approved' || outcome.kind === 'hard_decline') break;
  }
  const view =
    last !== undefined && (last.outcome.kind === 'approved' || last.outcome.kind === 'hard_decline')
      ? await finishAttempt(deps, row, last)
      : await finishExhausted(deps, row, last);
  await deps.idempotency.completeForPayment(row.id, { status: createStatusOf(view), body: view });
  return view;
}

function storedOutcome(attempt: AttemptRow): AttemptOutcome {
  switch (attempt.status) {
    case 'approved':
      return { kind: 'approved', pspChargeId: attempt.psp_charge_id! };
    case 'soft_decline':
    case 'hard_decline':
      return { kind: attempt.status, code: attempt.decline_code ?? 'declined' };
    case 'timeout':
      return { kind: 'timeout' };
    default:
      return { kind: 'unknown', reason: attempt.status };
  }
}

/** Claims up to `limit` processing payments whose lease ran out, and resolves them. */
export async function recoverStuckPayments(deps: PaymentDeps, limit = 20): Promise<number> {
  const { rows } = await deps.pool.query<PaymentRow>(
    `UPDATE payments SET lease_until = now() + make_interval(secs => $1::int / 1000.0)
     WHERE id IN (SELECT id FROM payments WHERE status = 'processing' AND lease_until < now()
                  ORDER BY lease_until LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [deps.leaseMs, limit],
  );
  for (const row of rows) await resolvePayment(deps, row);
  return rows.length;
}

/** Runs recovery now and then every `intervalMs` until stopped. */
export function startRecovery(
  deps: PaymentDeps,
  intervalMs: number,
  onError: (error: unknown) => void,
) {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = recoverStuckPayments(deps).then(() => undefined, onError);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
