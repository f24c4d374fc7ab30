import { ConflictError, NotFoundError, UnavailableError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import { PspRejectedError, PspTimeoutError, PspUnavailableError } from '../adapters/psp-client.ts';
import type { PspClient } from '../adapters/psp-client.ts';
import { captureTransfer, refundTransfer, voidTransfer } from '../domain/ledger.ts';
import type { PaymentAmounts } from '../domain/payment-operations.ts';
import { planCapture, planRefund, planVoid } from '../domain/payment-operations.ts';
import type { PaymentDeps } from './payment-deps.ts';
import type { PaymentRow, PaymentView } from './payment-view.ts';
import { viewOf } from './payment-view.ts';
import {
  bookPspOperation,
  lockPayment,
  paymentRef,
  recordMovement,
  transition,
} from './payment-writes.ts';

export type Operation =
  { kind: 'capture'; amount?: number } | { kind: 'void' } | { kind: 'refund'; amount?: number };

function amountsOf(row: PaymentRow): PaymentAmounts {
  return {
    status: row.status,
    amount: Number(row.amount),
    capturedAmount: Number(row.captured_amount),
    refundedAmount: Number(row.refunded_amount),
  };
}

function plan(row: PaymentRow, operation: Operation): PaymentAmounts {
  if (operation.kind === 'capture') return planCapture(amountsOf(row), operation.amount);
  if (operation.kind === 'void') return planVoid(amountsOf(row));
  return planRefund(amountsOf(row), operation.amount);
}

/**
 * Capture, void or refund, in three steps. (1) Under the payment's row lock, check the state
 * machine allows it and take the payment's operation slot, so a concurrent operation waits
 * its turn (409) instead of racing us to the PSP. (2) Ask the PSP, with `operationId` as its
 * idempotency key: a retry of the same request repeats the same call, never a second refund.
 * (3) Commit the transition, ledger transfer, settleable PSP operation and event together.
 */
export async function operate(
  deps: PaymentDeps,
  merchantId: string,
  paymentId: string,
  operationId: string,
  operation: Operation,
): Promise<PaymentView> {
  const row = await withTransaction(deps.pool, async (client) => {
    const current = await lockPayment(client, paymentId, merchantId);
    if (current === undefined) throw new NotFoundError('payment.not_found', 'No such payment.');
    plan(current, operation);
    const busy = current.operation_id !== null && current.operation_id !== operationId;
    if (busy && current.operation_until !== null && current.operation_until > new Date()) {
      throw new ConflictError(
        'payment.operation_in_progress',
        'Another operation on this payment is in progress.',
      );
    }
    await client.query(
      `UPDATE payments SET operation_id = $2, operation_until = now() + make_interval(secs => $3::int / 1000.0) WHERE id = $1`,
      [paymentId, operationId, deps.leaseMs],
    );
    return current;
  });
  const next = plan(row, operation);
  await callPsp(deps.psps.get(row.psp!)!, row, operationId, operation, next);
  return withTransaction(
    deps.pool,
    async (client) => {
      const current = (await lockPayment(client, paymentId, merchantId))!;
      if (current.operation_id !== operationId) return viewOf(current);
      const changed = await transition(client, paymentId, next.status, {
        captured_amount: next.capturedAmount,
        refunded_amount: next.refundedAmount,
        operation_id: null,
        operation_until: null,
      });
      const ref = paymentRef(changed);
      if (operation.kind === 'capture') {
        await bookPspOperation(client, changed, operationId, 'capture', next.capturedAmount);
        await recordMovement(client, deps.ledger, changed, 'captured', next.capturedAmount, [
          captureTransfer(operationId, ref, next.amount, next.capturedAmount),
        ]);
      } else if (operation.kind === 'void') {
        await recordMovement(client, deps.ledger, changed, 'voided', next.amount, [
          voidTransfer(operationId, ref, next.amount),
        ]);
      } else {
        const refunded = next.refundedAmount - Number(row.refunded_amount);
        await bookPspOperation(client, changed, operationId, 'refund', refunded);
        await recordMovement(client, deps.ledger, changed, 'refunded', refunded, [
          refundTransfer(operationId, ref, refunded),
        ]);
      }
      return viewOf(changed);
    },
    { retries: 3 },
  );
}

async function callPsp(
  psp: PspClient,
  row: PaymentRow,
  key: string,
  operation: Operation,
  next: PaymentAmounts,
) {
  const chargeId = row.psp_charge_id!;
  try {
    if (operation.kind === 'capture') await psp.capture(chargeId, key, next.capturedAmount);
    else if (operation.kind === 'void') await psp.void(chargeId, key);
    else await psp.refund(chargeId, key, next.refundedAmount - Number(row.refunded_amount));
  } catch (error) {
    if (error instanceof PspRejectedError) {
      throw new ConflictError(
        `psp.${error.code}`,
        `${psp.name} refused the ${operation.kind}: ${error.message}`,
      );
    }
    if (error instanceof PspTimeoutError && (await operationDone(psp, key))) return;
    if (error instanceof PspTimeoutError || error instanceof PspUnavailableError) {
      // Not done, or not known to be: a retry with the same Idempotency-Key repeats the call
      // under the same PSP key, which the PSP answers without acting twice.
      throw new UnavailableError(
        'psp.unavailable',
        `${psp.name} did not confirm the ${operation.kind}; retry the request.`,
      );
    }
    throw error;
  }
}

/** Status inquiry after a timeout: did the PSP do the operation we sent under `key`? */
async function operationDone(psp: PspClient, key: string): Promise<boolean> {
  try {
    return (await psp.inquireOperation(key)) !== undefined;
  } catch {
    return false;
  }
}
