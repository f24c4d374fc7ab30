// Ledger transfers per second on PostgreSQL, three ways in one run:
// naive (one transaction per transfer, one INSERT per entry, balances read FOR UPDATE and
// written one by one), single (LedgerStore.post, one transfer per transaction) and batched
// (LedgerStore.post with 100 and 1,000 transfers per transaction).
// `node bench/ledger.ts` with PG_URL set; creates and drops a database of its own.
import { randomUUID } from 'node:crypto';
import Table from 'cli-table3';
import { createPool, migrate, withTransaction } from '@scale-models/postgres';
import { createTestDatabase } from '@scale-models/testkit';
import type pg from 'pg';
import { BALANCE_SHARDS, LedgerStore } from '../src/adapters/ledger-store.ts';
import type { Transfer } from '../src/domain/ledger.ts';
import { authorizeTransfer, captureTransfer } from '../src/domain/ledger.ts';
import { MIGRATIONS } from '../src/payments/create-payment-deps.ts';
import type { Measured } from './measure.ts';
import { round, runClients } from './measure.ts';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'BRL'];
const PSPS = ['atlas', 'borealis', 'cygnus'];
const CLIENTS = 8;
const SINGLE = 4_000;
const BATCHED = 60_000;

/** Authorize + capture pairs over 5 currencies, 3 PSPs and 20 merchants: 7 accounts per pair. */
function transfers(count: number): Transfer[] {
  return Array.from({ length: count }, (_, i) => {
    const payment = {
      id: randomUUID(),
      merchantId: `m${i % 20}`,
      currency: CURRENCIES[i % 5]!,
      psp: PSPS[i % 3]!,
    };
    return i % 2 === 0
      ? authorizeTransfer(randomUUID(), payment, 1000 + i)
      : captureTransfer(randomUUID(), payment, 1000 + i, 900 + i);
  });
}

async function postNaively(pool: pg.Pool, transfer: Transfer): Promise<void> {
  await withTransaction(
    pool,
    async (client) => {
      // The textbook way: one statement per account, per entry and per balance, all on shard 0.
      for (const { account } of transfer.entries) {
        await client.query(
          'INSERT INTO ledger_accounts (code, currency, allow_negative) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [account.code, account.currency, account.allowNegative],
        );
        await client.query(
          'INSERT INTO ledger_balances (account_code, shard, allow_negative) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING',
          [account.code, account.allowNegative],
        );
      }
      await client.query(
        'INSERT INTO ledger_transfers (id, kind, payment_id) VALUES ($1, $2, $3)',
        [transfer.id, transfer.kind, transfer.paymentId],
      );
      // Entries one by one would fail the per-statement balance check: one INSERT for them.
      await client.query(
        `INSERT INTO ledger_entries (transfer_id, account_code, currency, shard, amount)
         SELECT t, a, c, 0, m FROM unnest($1::uuid[], $2::text[], $3::char(3)[], $4::bigint[]) AS e(t, a, c, m)`,
        [
          transfer.entries.map(() => transfer.id),
          transfer.entries.map((e) => e.account.code),
          transfer.entries.map((e) => e.account.currency),
          transfer.entries.map((e) => e.amount),
        ],
      );
      for (const entry of [...transfer.entries].sort((a, b) =>
        a.account.code < b.account.code ? -1 : 1,
      )) {
        const { rows } = await client.query<{ balance: string }>(
          'SELECT balance FROM ledger_balances WHERE account_code = $1 AND shard = 0 FOR NO KEY UPDATE',
          [entry.account.code],
        );
        await client.query(
          'UPDATE ledger_balances SET balance = $2 WHERE account_code = $1 AND shard = 0',
          [entry.account.code, Number(rows[0]!.balance) + entry.amount],
        );
      }
    },
    { retries: 5 },
  );
}

const database = await createTestDatabase('payment_router_bench');
const pool = createPool(database.url, { max: CLIENTS + 2 });
try {
  await migrate(pool, { directories: [MIGRATIONS], outbox: true });
  const ledger = new LedgerStore(pool);
  // Customer funds must not go negative: one large authorization per currency and balance
  // shard lets the benchmark's captures (of payments it never authorized) draw on it.
  const funding = CURRENCIES.flatMap((currency) =>
    Array.from({ length: BALANCE_SHARDS }, (_, shard) => {
      const id = `${randomUUID().slice(0, -4)}${shard.toString(16).padStart(4, '0')}`;
      return authorizeTransfer(
        randomUUID(),
        { id, merchantId: 'm0', currency, psp: 'atlas' },
        10 ** 11,
      );
    }),
  );
  await withTransaction(pool, (client) => ledger.post(client, funding));
  const rows: [string, Measured][] = [];
  const naive = transfers(SINGLE);
  rows.push([
    `naive, 1 per tx, ${CLIENTS} clients`,
    await runClients(CLIENTS, naive.length, (i) => postNaively(pool, naive[i]!)),
  ]);
  const single = transfers(SINGLE);
  rows.push([
    `single, 1 per tx, ${CLIENTS} clients`,
    await runClients(CLIENTS, single.length, (i) =>
      withTransaction(pool, (c) => ledger.post(c, [single[i]!]), { retries: 5 }).then(
        () => undefined,
      ),
    ),
  ]);
  for (const size of [100, 1000]) {
    const batch = transfers(BATCHED);
    const batches = BATCHED / size;
    const measured = await runClients(4, batches, (i) =>
      withTransaction(pool, (c) => ledger.post(c, batch.slice(i * size, (i + 1) * size)), {
        retries: 5,
      }).then(() => undefined),
    );
    rows.push([
      `batched, ${size} per tx, 4 clients`,
      { ...measured, operations: BATCHED, perSecond: BATCHED / measured.seconds },
    ]);
  }
  const { rows: check } = await pool.query<{ unbalanced: string }>(
    'SELECT count(*) AS unbalanced FROM (SELECT transfer_id FROM ledger_entries GROUP BY transfer_id, currency HAVING sum(amount) <> 0) t',
  );
  const table = new Table({
    head: [
      'workload',
      'transfers',
      'transfers/s',
      'p50 ms (per tx)',
      'p99 ms (per tx)',
      'vs naive',
    ],
  });
  const base = rows[0]![1].perSecond;
  for (const [name, m] of rows)
    table.push([
      name,
      m.operations,
      round(m.perSecond, 0),
      round(m.p50Ms, 2),
      round(m.p99Ms, 2),
      `${round(m.perSecond / base, 1)}x`,
    ]);
  console.log(table.toString());
  console.log(
    `target: 10,000 transfers/s batched; unbalanced transfers after the run: ${check[0]!.unbalanced}`,
  );
} finally {
  await pool.end();
  await database.drop();
}
