export const PAYMENT_STATUSES = [
  'processing',
  'authorized',
  'declined',
  'failed',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Every legal move of the payment state machine. migrations/0001 holds the same list in the
 * payment_transitions table, whose trigger is the real guard; test/state-machine.test.ts checks
 * that both lists agree. A self-loop is listed where a transition may change amounts without
 * changing status (a second partial refund).
 */
export const PAYMENT_TRANSITIONS: readonly (readonly [PaymentStatus, PaymentStatus])[] = [
  ['processing', 'authorized'],
  ['processing', 'declined'],
  ['processing', 'failed'],
  ['authorized', 'captured'],
  ['authorized', 'voided'],
  ['captured', 'partially_refunded'],
  ['captured', 'refunded'],
  ['partially_refunded', 'partially_refunded'],
  ['partially_refunded', 'refunded'],
];

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS.some(([a, b]) => a === from && b === to);
}
