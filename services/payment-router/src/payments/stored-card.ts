import { NotFoundError } from '@scale-models/errors';
import type { CardInput } from '../domain/card.ts';
import type { PaymentDeps } from './payment-deps.ts';

/**
 * The card behind a token, for a merchant-initiated or returning-customer payment. Only a
 * merchant that stored the card with a payment of its own may charge it: another merchant's
 * token is as unknown as a made-up one.
 */
export async function storedCard(
  deps: Pick<PaymentDeps, 'pool' | 'vault'>,
  merchantId: string,
  token: string,
): Promise<CardInput> {
  const { rows } = await deps.pool.query<{
    pan_ciphertext: Buffer;
    pan_iv: Buffer;
    pan_tag: Buffer;
    exp_month: number;
    exp_year: number;
  }>(
    `SELECT pan_ciphertext, pan_iv, pan_tag, exp_month, exp_year FROM card_vault v
     WHERE token = $1
       AND EXISTS (SELECT 1 FROM payments WHERE card_token = v.token AND merchant_id = $2)`,
    [token, merchantId],
  );
  const row = rows[0];
  if (row === undefined) throw new NotFoundError('card.unknown_token', 'No such stored card.');
  return {
    number: deps.vault.unseal({ ciphertext: row.pan_ciphertext, iv: row.pan_iv, tag: row.pan_tag }),
    expMonth: row.exp_month,
    expYear: row.exp_year,
  };
}
