import { ConflictError, InputError } from '@scale-models/errors';
import { requireMinorUnits } from './money.ts';
import type { PaymentStatus } from './payment-status.ts';

/** The amounts of a payment the state machine reasons about. */
export interface PaymentAmounts {
  status: PaymentStatus;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
}

/**
 * Capture of `requested` minor units (the whole authorization when undefined). A partial
 * capture releases the rest of the hold: there is one capture per payment, as with Stripe.
 */
export function planCapture(payment: PaymentAmounts, requested?: number): PaymentAmounts {
  requireStatus(payment, ['authorized'], 'capture');
  const amount = requested === undefined ? payment.amount : requireMinorUnits(requested);
  if (amount > payment.amount) {
    throw new InputError(
      'capture.exceeds_authorized',
      `Cannot capture ${amount}: only ${payment.amount} was authorized.`,
      { details: { authorized: payment.amount } },
    );
  }
  return { ...payment, status: 'captured', capturedAmount: amount };
}

export function planVoid(payment: PaymentAmounts): PaymentAmounts {
  requireStatus(payment, ['authorized'], 'void');
  return { ...payment, status: 'voided' };
}

/** A refund of `requested` minor units (what is left to refund when undefined). */
export function planRefund(payment: PaymentAmounts, requested?: number): PaymentAmounts {
  requireStatus(payment, ['captured', 'partially_refunded'], 'refund');
  const refundable = payment.capturedAmount - payment.refundedAmount;
  const amount = requested === undefined ? refundable : requireMinorUnits(requested);
  if (amount > refundable) {
    throw new InputError(
      'refund.exceeds_captured',
      `Cannot refund ${amount}: ${refundable} of the captured amount is left to refund.`,
      { details: { refundable } },
    );
  }
  const refundedAmount = payment.refundedAmount + amount;
  const status = refundedAmount === payment.capturedAmount ? 'refunded' : 'partially_refunded';
  return { ...payment, status, refundedAmount };
}

function requireStatus(payment: PaymentAmounts, allowed: PaymentStatus[], operation: string) {
  if (!allowed.includes(payment.status)) {
    throw new ConflictError(
      'payment.illegal_transition',
      `Cannot ${operation} a payment that is ${payment.status}.`,
      { details: { status: payment.status, operation } },
    );
  }
}
