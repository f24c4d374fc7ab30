import { withTransaction } from '@scale-models/postgres';
import { settleTransfer } from '../domain/ledger.ts';
import type {
  BookedOperation,
  Mismatch,
  SettlementBatch,
  SettlementLine,
} from '../domain/reconciliation.ts';
import { reconcile, settlementBatches } from '../domain/reconciliation.ts';
import type { PaymentDeps } from './payment-deps.ts';
import { transferId } from './payment-writes.ts';

export interface ReconciliationReport {
  psp: string;
  day: string;
  lines: number;
  matched: number;
  missing: BookedOperation[];
  extra: SettlementLine[];
  mismatched: Mismatch[];
  settlements: (SettlementBatch & { transferId: string; posted: boolean })[];
}

/**
 * Reconciles one PSP's settlement file for one UTC day with the captures and refunds booked
 * at that PSP that day, and settles the matched ones: the receivable moves to the merchants'
 * payable balances, net of the PSP's fees. Each settlement transfer's id is derived from
 * (PSP, day, merchant, currency), so running the job again settles nothing twice.
 */
export async function reconcileDay(
  deps: Pick<PaymentDeps, 'pool' | 'psps' | 'ledger'>,
  psp: string,
  day: string,
): Promise<ReconciliationReport> {
  const lines = await deps.psps.get(psp)!.settlementFile(day);
  const { rows } = await deps.pool.query<{
    id: string;
    merchant_id: string;
    kind: 'capture' | 'refund';
    amount: string;
    currency: string;
  }>(
    `SELECT id, merchant_id, kind, amount, currency FROM psp_operations
     WHERE psp = $1 AND booked_at >= ($2::date)::timestamp AT TIME ZONE 'UTC'
       AND booked_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC'`,
    [psp, day],
  );
  const booked = rows.map((row) => ({
    id: row.id,
    merchantId: row.merchant_id,
    kind: row.kind,
    amount: Number(row.amount),
    currency: row.currency,
  }));
  const result = reconcile(lines, booked);
  const batches = settlementBatches(result.matched).map((batch) => ({
    ...batch,
    transferId: transferId('settle', psp, day, batch.merchantId, batch.currency),
  }));
  const posted = await withTransaction(
    deps.pool,
    async (client) => {
      const ids = await deps.ledger.post(
        client,
        batches.map((batch) =>
          settleTransfer(
            batch.transferId,
            psp,
            batch.merchantId,
            batch.currency,
            batch.net,
            batch.fee,
          ),
        ),
      );
      for (const batch of batches) {
        await client.query(
          'UPDATE psp_operations SET settlement_id = $2 WHERE id = ANY($1::uuid[]) AND settlement_id IS NULL',
          [batch.operationIds, batch.transferId],
        );
      }
      return new Set(ids);
    },
    { retries: 3 },
  );
  return {
    psp,
    day,
    lines: lines.length,
    matched: result.matched.length,
    missing: result.missing,
    extra: result.extra,
    mismatched: result.mismatched,
    settlements: batches.map((batch) => ({ ...batch, posted: posted.has(batch.transferId) })),
  };
}
