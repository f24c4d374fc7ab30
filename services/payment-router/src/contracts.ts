import { defineEventContract } from '@scale-models/kafka';
import type { EventContract } from '@scale-models/kafka';
import type { PaymentView } from './payments/payment-view.ts';

/** What every payment event carries: the payment's state after it, and the amount it moved. */
export type PaymentEventData = Pick<
  PaymentView,
  | 'merchantId'
  | 'status'
  | 'amount'
  | 'currency'
  | 'capturedAmount'
  | 'refundedAmount'
  | 'psp'
  | 'declineCode'
> & {
  paymentId: string;
  /** The amount this event moved (the refund's amount for refunded). */
  eventAmount: number;
};

const schema = {
  type: 'object',
  required: [
    'paymentId',
    'merchantId',
    'status',
    'amount',
    'currency',
    'capturedAmount',
    'refundedAmount',
    'psp',
    'eventAmount',
    'declineCode',
  ],
  properties: {
    paymentId: { type: 'string', format: 'uuid' },
    merchantId: { type: 'string' },
    status: { type: 'string' },
    amount: { type: 'integer', minimum: 1 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    capturedAmount: { type: 'integer', minimum: 0 },
    refundedAmount: { type: 'integer', minimum: 0 },
    psp: { type: ['string', 'null'] },
    eventAmount: { type: 'integer', minimum: 0 },
    declineCode: { type: ['string', 'null'] },
  },
  additionalProperties: false,
};

export const PAYMENT_EVENTS = [
  'authorized',
  'declined',
  'failed',
  'captured',
  'voided',
  'refunded',
] as const;
export type PaymentEventName = (typeof PAYMENT_EVENTS)[number];

/** One contract per payment event: topic `payments.payment.<event>.v1` (the names). */
export const paymentEvents = Object.fromEntries(
  PAYMENT_EVENTS.map((event) => [
    event,
    defineEventContract<PaymentEventData>({
      topic: `payments.payment.${event}.v1`,
      type: `scale-models.payments.payment.${event}.v1`,
      schema,
    }),
  ]),
) as Record<PaymentEventName, EventContract<PaymentEventData>>;
