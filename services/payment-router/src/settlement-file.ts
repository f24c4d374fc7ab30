import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { SettlementLine } from './domain/reconciliation.ts';

const COLUMNS = ['reference', 'psp_charge_id', 'type', 'amount', 'currency', 'fee'] as const;

/** The CSV a simulated PSP publishes each day and the reconciliation job reads back. */
export function writeSettlementFile(lines: readonly SettlementLine[]): string {
  return stringify(
    lines.map((line) => [
      line.reference,
      line.pspChargeId,
      line.type,
      line.amount,
      line.currency,
      line.fee,
    ]),
    { header: true, columns: [...COLUMNS] },
  );
}

export function readSettlementFile(csv: string): SettlementLine[] {
  const rows = parse<Record<string, string>>(csv, { columns: true, skip_empty_lines: true });
  return rows.map((row, index) => {
    const type = row.type;
    const amount = Number(row.amount);
    const fee = Number(row.fee);
    if (
      (type !== 'capture' && type !== 'refund') ||
      !Number.isInteger(amount) ||
      !Number.isInteger(fee)
    ) {
      throw new Error(`settlement file line ${index + 2} is malformed`);
    }
    return {
      reference: row.reference ?? '',
      pspChargeId: row.psp_charge_id ?? '',
      type,
      amount,
      currency: row.currency ?? '',
      fee,
    };
  });
}
