import { v5 as uuidv5 } from 'uuid';
import { createCloudEvent } from '@scale-models/kafka';
import type pg from 'pg';
import type { PaymentEventData, PaymentEventName } from '../contracts.ts';
import { paymentEvents } from '../contracts.ts';
import type { LedgerStore } from '../adapters/ledger-store.ts';
import type { PaymentRef, Transfer } from '../domain/ledger.ts';
import type { PaymentStatus } from '../domain/payment-status.ts';
import type { PaymentRow } from './payment-view.ts';
import { viewOf } from './payment-view.ts';

type Client = pg.PoolClient;

const TRANSFER_NAMESPACE = '0d3d1c2e-6f0e-4a51-9b6c-2c1f6a1f8e01';

/** A transfer id derived from what it records, so a repeated write posts nothing new. */
export function transferId(...parts: string[]): string {
  return uuidv5(parts.join(':'), TRANSFER_NAMESPACE);
}

export function paymentRef(row: PaymentRow): PaymentRef {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    currency: row.currency,
    psp: row.psp ?? 'none',
  };
}

export async function lockPayment(
  client: Client,
  id: string,
  merchantId: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await client.query<PaymentRow>(
    'SELECT * FROM payments WHERE id = $1 AND merchant_id = $2 FOR UPDATE',
    [id, merchantId],
  );
  return rows[0];
}

/**
 * Moves a payment to `status` with new amounts and whatever columns `set` names; the trigger
 * rejects an illegal move. Returns the row after the change.
 */
export async function transition(
  client: Client,
  id: string,
  status: PaymentStatus,
  set: Record<string, unknown>,
): Promise<PaymentRow> {
  const columns = Object.keys(set);
  const assignments = columns.map((column, i) => `${column} = $${i + 3}`);
  const { rows } = await client.query<PaymentRow>(
    `UPDATE payments SET status = $2${assignments.length > 0 ? ', ' : ''}${assignments.join(', ')}
     WHERE id = $1 RETURNING *`,
    [id, status, ...columns.map((column) => set[column])],
  );
  return rows[0]!;
}

/** The ledger transfers and the outbox event that go with one transition, same transaction. */
export async function recordMovement(
  client: Client,
  ledger: LedgerStore,
  row: PaymentRow,
  event: PaymentEventName,
  eventAmount: number,
  transfers: Transfer[],
): Promise<void> {
  if (transfers.length > 0) await ledger.post(client, transfers);
  await client.query({
    name: 'outbox_put',
    text: 'SELECT outbox_put($1::jsonb)',
    values: [JSON.stringify([outboxEventOf(row, event, eventAmount)])],
  });
}

/**
 * A payment event as the SQL function `outbox_put` (migrations/0002) adds it to the postgres
 * package's outbox: a CloudEvents envelope keyed by the payment id, carrying the payment's
 * state after the transition `row` shows.
 */
export function outboxEventOf(row: PaymentRow, event: PaymentEventName, eventAmount: number) {
  const contract = paymentEvents[event];
  const envelope = createCloudEvent({
    type: contract.type,
    source: '/payment-router/payments',
    subject: row.id,
    data: contract.validate(eventDataOf(row, eventAmount)),
  });
  return {
    eventId: envelope.id,
    topic: contract.topic,
    key: row.id,
    aggregateType: 'payment',
    envelope,
  };
}

function eventDataOf(row: PaymentRow, eventAmount: number): PaymentEventData {
  const {
    id,
    merchantId,
    status,
    amount,
    currency,
    capturedAmount,
    refundedAmount,
    psp,
    declineCode,
  } = viewOf(row);
  return {
    paymentId: id,
    merchantId,
    status,
    amount,
    currency,
    capturedAmount,
    refundedAmount,
    psp,
    declineCode,
    eventAmount,
  };
}

export async function bookPspOperation(
  client: Client,
  row: PaymentRow,
  id: string,
  kind: 'capture' | 'refund',
  amount: number,
): Promise<void> {
  await client.query(
    `INSERT INTO psp_operations (id, payment_id, merchant_id, psp, kind, amount, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
    [id, row.id, row.merchant_id, row.psp, kind, amount, row.currency],
  );
}
