import type { FraudAssessment } from '../domain/fraud/score-fraud.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';

export interface RoutingTrace {
  reasons: string[];
  attempts: { psp: string; outcome: string; code?: string; latencyMs?: number }[];
}

/** A payment as the API shows it: brand and last four of the card, never more. */
export interface PaymentView {
  id: string;
  object: 'payment';
  merchantId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  capturedAmount: number;
  refundedAmount: number;
  captureMethod: 'automatic' | 'manual';
  /** The token charges the card again (as `card: {token}`); never the number. */
  card: { token: string; brand: string; last4: string; country: string };
  psp: string | null;
  declineCode: string | null;
  fraud: FraudAssessment;
  routing: RoutingTrace;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentRow {
  id: string;
  merchant_id: string;
  status: PaymentStatus;
  amount: string;
  currency: string;
  captured_amount: string;
  refunded_amount: string;
  capture_method: 'automatic' | 'manual';
  card_token: string;
  card_brand: string;
  card_last4: string;
  card_country: string;
  psp: string | null;
  psp_charge_id: string | null;
  decline_code: string | null;
  fraud: FraudAssessment;
  routing: RoutingTrace;
  description: string | null;
  operation_id: string | null;
  operation_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function viewOf(row: PaymentRow): PaymentView {
  return {
    id: row.id,
    object: 'payment',
    merchantId: row.merchant_id,
    status: row.status,
    amount: Number(row.amount),
    currency: row.currency,
    capturedAmount: Number(row.captured_amount),
    refundedAmount: Number(row.refunded_amount),
    captureMethod: row.capture_method,
    card: {
      token: row.card_token,
      brand: row.card_brand,
      last4: row.card_last4,
      country: row.card_country,
    },
    psp: row.psp,
    declineCode: row.decline_code,
    fraud: row.fraud,
    routing: row.routing,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** HTTP status of a payment's create response: 402 for a declined or failed payment, as Stripe. */
export function createStatusOf(view: PaymentView): number {
  return view.status === 'declined' || view.status === 'failed' ? 402 : 201;
}
