import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { withTransaction } from '@scale-models/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerStore, trialBalance } from '../src/adapters/ledger-store.ts';
import type { PaymentRef, Transfer } from '../src/domain/ledger.ts';
import {
  accounts,
  authorizeTransfer,
  captureTransfer,
  refundTransfer,
  settleTransfer,
  voidTransfer,
} from '../src/domain/ledger.ts';
import type { PaymentAmounts } from '../src/domain/payment-operations.ts';
import { planCapture, planRefund, planVoid } from '../src/domain/payment-operations.ts';
import { PAYMENT_TRANSITIONS } from '../src/domain/payment-status.ts';
import { createSeededDatabase } from './support/seeded-database.ts';
import type { SeededDatabase } from './support/seeded-database.ts';

let seeded: SeededDatabase;
let pool: pg.Pool;
let ledger: LedgerStore;

beforeAll(async () => {
  seeded = await createSeededDatabase('payment_router_db');
  pool = seeded.pool;
  ledger = new LedgerStore(pool);
});
afterAll(() => seeded?.close());

async function newPayment(): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token, card_brand, card_last4, card_country, fraud)
     VALUES ($1, 'm', 1000, 'EUR', 'processing', 'manual', 'tok', 'visa', '4242', 'DE', '{}')`,
    [id],
  );
  return id;
}

describe('the state machine in PostgreSQL', () => {
  it('lists the same transitions as the domain', async () => {
    const { rows } = await pool.query<{ from_status: string; to_status: string }>(
      'SELECT from_status, to_status FROM payment_transitions',
    );
    const database = rows.map((row) => `${row.from_status}->${row.to_status}`).sort();
    expect(database).toEqual(PAYMENT_TRANSITIONS.map(([from, to]) => `${from}->${to}`).sort());
  });

  it('refuses illegal moves and amounts, and records each legal move in append-only history', async () => {
    const id = await newPayment();
    const move = (sql: string) => pool.query(`UPDATE payments SET ${sql} WHERE id = $1`, [id]);
    await expect(move(`status = 'captured'`)).rejects.toMatchObject({
      constraint: 'payment_transition',
    });
    await move(`status = 'authorized'`);
    await expect(move(`captured_amount = 500`)).rejects.toMatchObject({
      constraint: 'payment_transition',
    });
    await move(`status = 'voided'`);
    await expect(move(`status = 'captured', captured_amount = 1000`)).rejects.toMatchObject({
      constraint: 'payment_transition',
    });
    await expect(move(`operation_id = gen_random_uuid()`)).resolves.toBeDefined();
    const { rows } = await pool.query<{ to_status: string }>(
      'SELECT to_status FROM payment_events WHERE payment_id = $1 ORDER BY id',
      [id],
    );
    expect(rows.map((row) => row.to_status)).toEqual(['processing', 'authorized', 'voided']);
    await expect(
      pool.query('UPDATE payment_events SET to_status = $1', ['captured']),
    ).rejects.toMatchObject({ constraint: 'append_only' });
    await expect(pool.query('DELETE FROM payment_events')).rejects.toMatchObject({
      constraint: 'append_only',
    });
  });

  it('checks and records both moves of an update passing through a status', async () => {
    const id = await newPayment();
    const move = (sql: string) => pool.query(`UPDATE payments SET ${sql} WHERE id = $1`, [id]);
    // processing -> voided is illegal, so processing -> voided -> captured is too.
    await expect(
      move(`status = 'captured', via_status = 'voided', captured_amount = 1000`),
    ).rejects.toMatchObject({ constraint: 'payment_transition' });
    await move(`status = 'captured', via_status = 'authorized', captured_amount = 1000`);
    const { rows } = await pool.query<{
      from_status: string;
      to_status: string;
      captured_amount: string;
    }>(
      'SELECT from_status, to_status, captured_amount FROM payment_events WHERE payment_id = $1 ORDER BY id',
      [id],
    );
    expect(rows).toEqual([
      { from_status: null, to_status: 'processing', captured_amount: '0' },
      { from_status: 'processing', to_status: 'authorized', captured_amount: '0' },
      { from_status: 'authorized', to_status: 'captured', captured_amount: '1000' },
    ]);
    const stored = await pool.query('SELECT status, via_status FROM payments WHERE id = $1', [id]);
    expect(stored.rows[0]).toEqual({ status: 'captured', via_status: null });
  });

  it('refuses to refund more than was captured', async () => {
    const id = await newPayment();
    await pool.query(`UPDATE payments SET status = 'authorized' WHERE id = $1`, [id]);
    await pool.query(
      `UPDATE payments SET status = 'captured', captured_amount = 800 WHERE id = $1`,
      [id],
    );
    await expect(
      pool.query(`UPDATE payments SET status = 'refunded', refunded_amount = 900 WHERE id = $1`, [
        id,
      ]),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('the ledger', () => {
  it('refuses unbalanced transfers, changes to entries and negative customer funds', async () => {
    const id = randomUUID();
    const eur = accounts.cardholders('EUR');
    await expect(
      withTransaction(pool, (client) =>
        ledger.post(client, [
          {
            id,
            kind: 'authorize',
            paymentId: null,
            entries: [
              { account: eur, amount: -5 },
              { account: accounts.customerFunds('EUR'), amount: 4 },
            ],
          },
        ]),
      ),
    ).rejects.toMatchObject({ constraint: 'transfer_balanced' });
    // An entry naming no account of its currency (the ledger's set-based reference check).
    await expect(
      pool.query(
        `WITH t AS (INSERT INTO ledger_transfers (id, kind) VALUES ($1, 'settle'))
         INSERT INTO ledger_entries (transfer_id, account_code, currency, shard, amount)
         VALUES ($1, 'cardholders:EUR', 'EUR', 0, -5), ($1, 'cardholders:EUR', 'USD', 0, 5),
                ($1, 'cardholders:EUR', 'USD', 0, -5), ($1, 'cardholders:EUR', 'EUR', 0, 5)`,
        [randomUUID()],
      ),
    ).rejects.toMatchObject({ constraint: 'entry_references' });
    await expect(pool.query(`DELETE FROM ledger_accounts`)).rejects.toMatchObject({
      constraint: 'append_only',
    });
    await expect(
      withTransaction(pool, (client) =>
        ledger.post(client, [
          voidTransfer(
            randomUUID(),
            { id: randomUUID(), merchantId: 'm', currency: 'EUR', psp: 'x' },
            10 ** 9,
          ),
        ]),
      ),
    ).rejects.toMatchObject({ code: 'ledger.insufficient_balance' });
    await withTransaction(pool, (client) =>
      ledger.post(client, [
        authorizeTransfer(id, { id, merchantId: 'm', currency: 'EUR', psp: 'x' }, 100),
      ]),
    );
    await expect(pool.query('UPDATE ledger_entries SET amount = 1')).rejects.toMatchObject({
      constraint: 'append_only',
    });
    await expect(pool.query('DELETE FROM ledger_transfers')).rejects.toMatchObject({
      constraint: 'append_only',
    });
  });

  type Command =
    | { op: 'create'; merchant: number; currency: number; amount: number }
    | { op: 'capture' | 'refund'; payment: number; share: number }
    | { op: 'void'; payment: number }
    | { op: 'settle'; merchant: number }
    | { op: 'retry'; transfer: number };

  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({
      op: fc.constant('create' as const),
      merchant: fc.nat(2),
      currency: fc.nat(2),
      amount: fc.integer({ min: 1, max: 1_000_000 }),
    }),
    fc.record({
      op: fc.constantFrom('capture' as const, 'refund' as const),
      payment: fc.nat(40),
      share: fc.double({ min: 0.01, max: 1.2, noNaN: true }),
    }),
    fc.record({ op: fc.constant('void' as const), payment: fc.nat(40) }),
    fc.record({ op: fc.constant('settle' as const), merchant: fc.nat(2) }),
    fc.record({ op: fc.constant('retry' as const), transfer: fc.nat(80) }),
  );

  it('keeps every invariant over random create/capture/refund/void/settle sequences', async () => {
    const CURRENCIES = ['EUR', 'JPY', 'KWD'];
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (commands) => {
        const run = randomUUID().slice(0, 8);
        const psp = `psp${run}`;
        const payments: (PaymentAmounts & { ref: PaymentRef; settled: number })[] = [];
        const posted: Transfer[] = [];
        const before = await balances();
        for (const cmd of commands) {
          const transfers = plan(cmd);
          if (transfers === undefined) continue;
          const ids = await withTransaction(pool, (client) => ledger.post(client, transfers), {
            retries: 3,
          });
          expect(ids.length).toBe(cmd.op === 'retry' ? 0 : transfers.length);
          if (cmd.op !== 'retry') posted.push(...transfers);
        }
        const after = await balances();
        const delta = (code: string) => (after.get(code) ?? 0) - (before.get(code) ?? 0);
        for (const currency of CURRENCIES) {
          const mine = payments.filter((p) => p.ref.currency === currency);
          const open = mine.filter((p) => p.status === 'authorized');
          expect(delta(`customer_funds:${currency}`)).toBe(
            open.reduce((sum, p) => sum + p.amount, 0),
          );
          const owed = mine.reduce(
            (sum, p) => sum + p.capturedAmount - p.refundedAmount - p.settled,
            0,
          );
          expect(delta(`psp_receivable:${psp}:${currency}`)).toBe(owed);
        }
        const books = await trialBalance(pool);
        expect(books.unbalancedTransfers).toEqual([]);
        expect(books.driftedAccounts).toEqual([]);
        for (const total of Object.values(books.totals)) expect(total).toBe(0);
        for (const account of books.accounts)
          if (account.code.startsWith('customer_funds'))
            expect(account.balance).toBeGreaterThanOrEqual(0);

        function plan(cmd: Command): Transfer[] | undefined {
          if (cmd.op === 'create') {
            const id = randomUUID();
            const ref = {
              id,
              merchantId: `m${cmd.merchant}${run}`,
              currency: CURRENCIES[cmd.currency]!,
              psp,
            };
            payments.push({
              ref,
              status: 'authorized',
              amount: cmd.amount,
              capturedAmount: 0,
              refundedAmount: 0,
              settled: 0,
            });
            return [authorizeTransfer(randomUUID(), ref, cmd.amount)];
          }
          if (cmd.op === 'retry')
            return posted.length === 0 ? undefined : [posted[cmd.transfer % posted.length]!];
          if (cmd.op === 'settle') return settle(`m${cmd.merchant}${run}`);
          const payment = payments[cmd.payment % Math.max(payments.length, 1)];
          if (payment === undefined) return undefined;
          try {
            if (cmd.op === 'void') {
              Object.assign(payment, planVoid(payment));
              return [voidTransfer(randomUUID(), payment.ref, payment.amount)];
            }
            if (cmd.op === 'capture') {
              Object.assign(
                payment,
                planCapture(payment, Math.max(1, Math.round(payment.amount * cmd.share))),
              );
              return [
                captureTransfer(randomUUID(), payment.ref, payment.amount, payment.capturedAmount),
              ];
            }
            const refundedBefore = payment.refundedAmount;
            Object.assign(
              payment,
              planRefund(payment, Math.max(1, Math.round(payment.capturedAmount * cmd.share))),
            );
            return [
              refundTransfer(randomUUID(), payment.ref, payment.refundedAmount - refundedBefore),
            ];
          } catch {
            return undefined; // an illegal move: nothing is posted
          }
        }

        function settle(merchantId: string): Transfer[] | undefined {
          // The PSP pays out what was captured minus refunded since the last settlement.
          const mine = payments.filter((p) => p.ref.merchantId === merchantId);
          const transfers = CURRENCIES.flatMap((currency) => {
            const net = mine
              .filter((p) => p.ref.currency === currency)
              .reduce((sum, p) => sum + p.capturedAmount - p.refundedAmount - p.settled, 0);
            return net > 0
              ? [
                  settleTransfer(
                    randomUUID(),
                    psp,
                    merchantId,
                    currency,
                    net,
                    Math.floor(net / 100),
                  ),
                ]
              : [];
          });
          if (transfers.length === 0) return undefined;
          for (const p of mine) p.settled = p.capturedAmount - p.refundedAmount;
          return transfers;
        }
      }),
      { numRuns: 25 },
    );
  });
});

async function balances(): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ code: string; balance: string }>(
    'SELECT code, balance FROM ledger_account_balances',
  );
  return new Map(rows.map((row) => [row.code, Number(row.balance)]));
}
