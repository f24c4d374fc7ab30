import { transferId } from './payment-writes.ts';

/**
 * The id of a capture, void or refund: derived from the merchant's Idempotency-Key, so a
 * retried request sends the PSP the same key and posts the same ledger transfer.
 */
export function operationIdOf(merchantId: string, idempotencyKey: string): string {
  return transferId('operation', merchantId, idempotencyKey);
}
