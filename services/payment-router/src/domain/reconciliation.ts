/** One line of a PSP's daily settlement file. */
export interface SettlementLine {
  /** Our reference: the PSP-side idempotency key we sent with the operation. */
  reference: string;
  pspChargeId: string;
  type: 'capture' | 'refund';
  amount: number;
  currency: string;
  fee: number;
}

/** A capture or refund the router booked at a PSP and not yet settled. */
export interface BookedOperation {
  id: string;
  merchantId: string;
  kind: 'capture' | 'refund';
  amount: number;
  currency: string;
}

export interface Mismatch {
  reference: string;
  booked: { amount: number; currency: string; kind: string };
  settled: { amount: number; currency: string; type: string };
}

export interface Reconciliation {
  matched: { operation: BookedOperation; line: SettlementLine }[];
  /** Booked by us, absent from the file. */
  missing: BookedOperation[];
  /** In the file, unknown to us (or already settled). */
  extra: SettlementLine[];
  mismatched: Mismatch[];
}

export function reconcile(
  lines: readonly SettlementLine[],
  booked: readonly BookedOperation[],
): Reconciliation {
  const byId = new Map(booked.map((operation) => [operation.id, operation]));
  const result: Reconciliation = { matched: [], missing: [], extra: [], mismatched: [] };
  const seen = new Set<string>();
  for (const line of lines) {
    const operation = byId.get(line.reference);
    if (operation === undefined || seen.has(line.reference)) {
      result.extra.push(line);
      continue;
    }
    seen.add(line.reference);
    if (
      operation.amount !== line.amount ||
      operation.currency !== line.currency ||
      operation.kind !== line.type
    ) {
      result.mismatched.push({
        reference: line.reference,
        booked: { amount: operation.amount, currency: operation.currency, kind: operation.kind },
        settled: { amount: line.amount, currency: line.currency, type: line.type },
      });
      continue;
    }
    result.matched.push({ operation, line });
  }
  result.missing = booked.filter((operation) => !seen.has(operation.id));
  return result;
}

export interface SettlementBatch {
  merchantId: string;
  currency: string;
  /** Captures minus refunds. */
  net: number;
  fee: number;
  operationIds: string[];
}

/** What the PSP pays out per merchant and currency for the matched lines. */
export function settlementBatches(matched: Reconciliation['matched']): SettlementBatch[] {
  const batches = new Map<string, SettlementBatch>();
  for (const { operation, line } of matched) {
    const key = `${operation.merchantId}|${operation.currency}`;
    const batch = batches.get(key) ?? {
      merchantId: operation.merchantId,
      currency: operation.currency,
      net: 0,
      fee: 0,
      operationIds: [],
    };
    batch.net += line.type === 'capture' ? line.amount : -line.amount;
    batch.fee += line.fee;
    batch.operationIds.push(operation.id);
    batches.set(key, batch);
  }
  return [...batches.values()];
}
