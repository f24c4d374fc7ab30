import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerStore, trialBalance } from '../src/adapters/ledger-store.ts';
import { CardVault } from '../src/adapters/card-vault.ts';
import { checkCard } from '../src/domain/card.ts';
import type { CheckedCard } from '../src/domain/card.ts';
import { Batcher } from '../src/payments/batcher.ts';
import type { NewPayment } from '../src/payments/begin-payment.ts';
import { createBeginBatcher } from '../src/payments/begin-payment.ts';
import type { FinishItem } from '../src/payments/finish-payment.ts';
import {
  createFinishBatcher,
  finishAttempt,
  finishDeclined,
} from '../src/payments/finish-payment.ts';
import { IdempotencyStore, UnprocessableKeyError } from '../src/payments/idempotency-store.ts';
import type { PaymentDeps } from '../src/payments/payment-deps.ts';
import type { PaymentRow } from '../src/payments/payment-view.ts';
import { createSeededDatabase } from './support/seeded-database.ts';
import { freshCard } from './support/sample-payments.ts';
import type { SeededDatabase } from './support/seeded-database.ts';

describe('the batcher', () => {
  it('sends what arrives together as one batch, and one failed item fails only its caller', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>({
      maxBatch: 10,
      maxWaitMs: 0,
      runBatch: (items) => {
        batches.push(items);
        return Promise.resolve(
          items.map((n) =>
            n === 2
              ? { ok: false as const, error: new Error('two') }
              : { ok: true as const, value: n * 10 },
          ),
        );
      },
      runOne: () => Promise.reject(new Error('not used')),
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ).toEqual([10, 'two', 30]);
  });

  it('sends what arrives during a commit in the next batch, at most maxBatch at a time', async () => {
    const { batches, mostAtOnce } = await fiveItemsDuringACommit({ maxBatch: 3 });
    expect(batches).toEqual([[0], [1, 2, 3], [4]]);
    expect(mostAtOnce).toBe(1);
  });

  it('with maxInFlight 2, starts a second batch while the first commits, and no third', async () => {
    const { batches, mostAtOnce } = await fiveItemsDuringACommit({ maxBatch: 2, maxInFlight: 2 });
    expect(batches).toEqual([[0], [1, 2], [3, 4]]);
    expect(mostAtOnce).toBe(2);
  });

  it('runs each item alone when the whole batch fails, so none is lost', async () => {
    const batcher = new Batcher<number, number>({
      maxBatch: 10,
      maxWaitMs: 0,
      runBatch: () => Promise.reject(new Error('deadlock detected')),
      runOne: (n) => (n === 2 ? Promise.reject(new Error('two')) : Promise.resolve(n)),
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('group commit in PostgreSQL', () => {
  let seeded: SeededDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    seeded = await createSeededDatabase('payment_router_group');
    pool = seeded.pool;
  });
  afterAll(() => seeded?.close());

  async function processing(): Promise<PaymentRow> {
    const { rows } = await pool.query<PaymentRow>(
      `INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token, card_brand, card_last4, card_country, fraud)
       VALUES ($1, 'm', 1000, 'EUR', 'processing', 'automatic', 'tok', 'visa', '4242', 'DE', '{}') RETURNING *`,
      [randomUUID()],
    );
    return rows[0]!;
  }

  it('commits the good items of a batch and answers a failed one with its own error', async () => {
    const { calls, counting } = countingPool(pool);
    // A long wait, so the three land in one batch even on a loaded machine (the approved one
    // first creates its ledger accounts, a round trip of its own).
    const finisher = createFinishBatcher(counting, { maxBatch: 64, maxWaitMs: 500 });
    const deps = { pool, ledger: new LedgerStore(pool), finisher } as unknown as PaymentDeps;
    const [approved, broken, declined] = [
      await processing(),
      await processing(),
      await processing(),
    ];
    const routing = { reasons: [], attempts: [] };
    // An illegal move (processing -> refunded) the state-machine trigger rejects.
    const illegal: FinishItem = {
      payment: broken.id,
      attempt: null,
      move: { status: 'refunded' },
      operation: null,
      transfers: [],
      events: [],
      key: null,
    };
    const results = await Promise.allSettled([
      finishAttempt(deps, approved, {
        attemptId: randomUUID(),
        psp: 'atlas',
        outcome: { kind: 'approved', pspChargeId: 'ch_1' },
        latencyMs: 3,
      }),
      finisher.submit(illegal),
      finishDeclined(deps, declined, 'fraud_suspected', { trace: routing }),
    ]);
    expect(calls.filter((name) => name === 'finish_payments')).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { status: 'captured' } });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { constraint: 'payment_transition', code: '23514' },
    });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { status: 'declined' } });

    const { rows } = await pool.query<{
      id: string;
      status: string;
      events: string;
      entries: string;
      outbox: string;
    }>(
      `SELECT p.id, p.status,
         (SELECT count(*) FROM payment_events e WHERE e.payment_id = p.id) AS events,
         (SELECT count(*) FROM ledger_entries le JOIN ledger_transfers t ON t.id = le.transfer_id WHERE t.payment_id = p.id) AS entries,
         (SELECT count(*) FROM outbox_events o WHERE o.key = p.id::text) AS outbox
       FROM payments p WHERE p.id = ANY($1::uuid[])`,
      [[approved.id, broken.id, declined.id]],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(approved.id)).toMatchObject({ status: 'captured', events: '3', outbox: '2' });
    expect(Number(byId.get(approved.id)!.entries)).toBeGreaterThan(0);
    expect(byId.get(broken.id)).toMatchObject({
      status: 'processing',
      events: '1',
      entries: '0',
      outbox: '0',
    });
    expect(byId.get(declined.id)).toMatchObject({
      status: 'declined',
      events: '2',
      entries: '0',
      outbox: '1',
    });
    const books = await trialBalance(pool);
    expect(books.unbalancedTransfers).toEqual([]);
    expect(books.driftedAccounts).toEqual([]);
  });

  it('runs a batch whose ledger post fails payment by payment: the payment at fault fails alone', async () => {
    const { calls, counting } = countingPool(pool);
    const finisher = createFinishBatcher(counting, { maxBatch: 64, maxWaitMs: 500 });
    const deps = { pool, ledger: new LedgerStore(pool), finisher } as unknown as PaymentDeps;
    const approve = (row: PaymentRow) =>
      finishAttempt(deps, row, {
        attemptId: randomUUID(),
        psp: 'atlas',
        outcome: { kind: 'approved', pspChargeId: `ch_${row.id}` },
        latencyMs: 3,
      });
    await approve(await processing()); // creates the EUR accounts
    const [good, bad] = [await processing(), await processing()];
    calls.length = 0;
    // Moves legally, but its transfer does not balance: only the batch's post at the end,
    // after every item's subtransaction, finds out.
    const unbalanced: FinishItem = {
      payment: bad.id,
      attempt: null,
      move: { status: 'authorized', psp: 'atlas' },
      operation: null,
      transfers: [
        {
          id: randomUUID(),
          kind: 'authorize',
          paymentId: bad.id,
          entries: [
            { account: 'cardholders:EUR', currency: 'EUR', shard: 0, amount: -1000 },
            { account: 'customer_funds:EUR', currency: 'EUR', shard: 0, amount: 999 },
          ],
        },
      ],
      events: [],
      key: null,
    };
    const results = await Promise.allSettled([approve(good), finisher.submit(unbalanced)]);
    // The batch, then each payment as a batch of its own.
    expect(calls).toEqual(['finish_payments', 'finish_payments', 'finish_payments']);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { status: 'captured' } });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { constraint: 'transfer_balanced' },
    });
    const { rows } = await pool.query<{ status: string }>(
      'SELECT status FROM payments WHERE id = $1',
      [bad.id],
    );
    expect(rows[0]!.status).toBe('processing');
    const books = await trialBalance(pool);
    expect(books.unbalancedTransfers).toEqual([]);
    expect(books.driftedAccounts).toEqual([]);
  });

  it('answers a payment the recovery job already finished with its row, untouched', async () => {
    const finisher = createFinishBatcher(pool, { maxBatch: 64, maxWaitMs: 0 });
    const deps = { pool, ledger: new LedgerStore(pool), finisher } as unknown as PaymentDeps;
    const row = await processing();
    const routing = { reasons: [], attempts: [] };
    await finishDeclined(deps, row, 'first', { trace: routing });
    const again = await finishDeclined(deps, row, 'second', { trace: routing });
    expect(again).toMatchObject({ status: 'declined', declineCode: 'first' });
  });

  it('claims keys in one statement per batch; a key twice in a batch is taken once', async () => {
    const { calls, counting } = countingPool(pool);
    const store = new IdempotencyStore(counting, 15_000, { maxBatch: 64, maxWaitMs: 50 });
    const [a, b, done] = [randomUUID(), randomUUID(), randomUUID()];
    const fingerprint = Buffer.from('f1');
    await store.claim('m', done, fingerprint);
    await store.complete('m', done, { status: 201, body: { id: 'p' } });
    calls.length = 0;
    const results = await Promise.allSettled([
      store.claim('m', a, fingerprint),
      store.claim('m', a, fingerprint),
      store.claim('m', a, Buffer.from('f2')),
      store.claim('m', b, fingerprint),
      store.claim('m', done, fingerprint),
    ]);
    expect(calls).toEqual(['claim_keys']);
    expect(results[0]).toMatchObject({ value: { kind: 'execute', paymentId: null } });
    expect(results[1]).toMatchObject({ reason: { code: 'idempotency.in_flight' } });
    expect(results[2]).toMatchObject({ reason: expect.any(UnprocessableKeyError) as unknown });
    expect(results[3]).toMatchObject({ value: { kind: 'execute' } });
    expect(results[4]).toMatchObject({
      value: { kind: 'replay', response: { status: 201, body: { id: 'p' } } },
    });
  });

  it('begins a batch of payments in one statement; the same card twice begins each alone', async () => {
    const { calls, counting } = countingPool(pool);
    const beginner = createBeginBatcher(counting, { maxBatch: 64, maxWaitMs: 50 });
    const cards = [freshCard(), freshCard()].map((number) =>
      checkCard({ number, expMonth: 12, expYear: 2031 }, new Date()),
    );
    const first = await Promise.all(cards.map((card) => beginner.submit(newPayment(card))));
    expect(calls).toEqual(['begin_payments']);
    expect(first.map((row) => row.status)).toEqual(['processing', 'processing']);
    calls.length = 0;
    const again = await Promise.all(
      [cards[0]!, cards[0]!].map((card) => beginner.submit(newPayment(card))),
    );
    expect(calls).toEqual(['begin_payments', 'begin_payments', 'begin_payments']);
    // A card seen before keeps its first token.
    expect(again.map((row) => row.card_token)).toEqual([
      first[0]!.card_token,
      first[0]!.card_token,
    ]);
    const { rows } = await pool.query<{ count: string }>(
      `SELECT count(*) FROM payment_attempts WHERE status = 'pending' AND payment_id = ANY($1::uuid[])`,
      [[...first, ...again].map((row) => row.id)],
    );
    expect(rows[0]!.count).toBe('4');
  });

  it('reaches keys, payments and balance rows by key in every batch function, however large the tables', async () => {
    // Tables big enough that a plan scanning one shows in its cost (3,000 keys, payments and
    // transfers, 3,200 balance rows), analyzed, as after a while in production.
    await pool.query(`INSERT INTO idempotency_keys (merchant_id, key, request_sha256, state, locked_until)
                      SELECT 'm', 'old-' || g, '\\x00', 'done', now() FROM generate_series(1, 3000) g`);
    await pool.query(`INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, card_token, card_brand, card_last4, card_country, fraud)
                      SELECT gen_random_uuid(), 'm', 1000, 'EUR', 'processing', 'automatic', 'tok', 'visa', '4242', 'DE', '{}'
                      FROM generate_series(1, 3000)`);
    await pool.query(`INSERT INTO ledger_transfers (id, kind)
                      SELECT gen_random_uuid(), 'authorize' FROM generate_series(1, 3000)`);
    await pool.query(`WITH accounts AS (
                        INSERT INTO ledger_accounts (code, currency, allow_negative)
                        SELECT 'filler:' || g, 'EUR', true FROM generate_series(1, 200) g RETURNING code)
                      INSERT INTO ledger_balances (account_code, shard, allow_negative)
                      SELECT code, s, true FROM accounts, generate_series(0, 15) s`);
    await pool.query('ANALYZE');
    // auto_explain sends the plan of every statement, also those inside the functions, to
    // the client as a notice.
    const plans: string[] = [];
    const explaining = new pg.Pool({
      connectionString: seeded.database.url,
      max: 1,
      options: [
        '-c session_preload_libraries=auto_explain',
        '-c auto_explain.log_min_duration=0',
        '-c auto_explain.log_nested_statements=on',
        '-c auto_explain.log_level=notice',
      ].join(' '),
    });
    explaining.on('connect', (client) =>
      client.on('notice', (notice) => plans.push(notice.message ?? '')),
    );
    try {
      const groupCommit = { maxBatch: 64, maxWaitMs: 20 };
      const keys = new IdempotencyStore(explaining, 15_000, groupCommit);
      const beginner = createBeginBatcher(explaining, groupCommit);
      const finisher = createFinishBatcher(explaining, groupCommit);
      const deps = {
        pool: explaining,
        ledger: new LedgerStore(explaining),
        finisher,
      } as unknown as PaymentDeps;
      const authorize = async (): Promise<void> => {
        const card = checkCard({ number: freshCard(), expMonth: 12, expYear: 2031 }, new Date());
        const payment = newPayment(card);
        await keys.claim('m', payment.key, Buffer.from('f'));
        const { attemptId } = payment.firstAttempt!;
        const row = await beginner.submit(payment);
        const done = await finishAttempt(deps, row, {
          attemptId,
          psp: 'atlas',
          outcome: { kind: 'approved', pspChargeId: `ch_${attemptId}` },
          latencyMs: 3,
        });
        await keys.complete('m', payment.key, { status: 201, body: { id: done.id } });
      };
      // Batches of three, six times: PL/pgSQL plans a statement anew for five calls, then
      // keeps a generic plan; both kinds are checked.
      for (let round = 0; round < 6; round++)
        await Promise.all([authorize(), authorize(), authorize()]);
    } finally {
      await explaining.end();
    }

    const steps = [
      'INSERT INTO idempotency_keys',
      'INSERT INTO payments',
      'SET payment_id',
      'FOR UPDATE',
      'UPDATE ledger_balances',
      "SET state = 'done'",
    ];
    for (const step of steps)
      expect(
        plans.some((plan) => plan.includes(step)),
        step,
      ).toBe(true);
    expect(plans.flatMap(wholeTableScans)).toEqual([]);
  });
});

const vault = new CardVault('a1'.repeat(32));

/** A new payment of merchant `m` by `card`, under a fresh key, its first attempt at atlas. */
function newPayment(card: CheckedCard): NewPayment {
  return {
    id: randomUUID(),
    merchantId: 'm',
    key: randomUUID(),
    money: { amount: 1000, currency: 'EUR' },
    captureMethod: 'automatic',
    card,
    sealed: vault.seal(card),
    country: 'DE',
    fraud: { score: 0.1, decision: 'approve', reasons: [] },
    routing: { reasons: [], attempts: [] },
    description: null,
    leaseMs: 15_000,
    firstAttempt: { attemptId: randomUUID(), seq: 0, psp: 'atlas' },
  };
}

/**
 * The scan nodes of a plan that read a hot table, or its whole index, instead of looking
 * rows up by key: a sequential scan, or an index scan without an index condition.
 */
function wholeTableScans(plan: string): string[] {
  const lines = plan.split('\n').map((line) => line.trim());
  const hot =
    /(Seq Scan|Index Scan|Index Only Scan)(?: using \S+)? on (idempotency_keys|payments|ledger_balances|ledger_transfers|payment_attempts|card_vault)\b/;
  return lines.flatMap((line, i) => {
    const scan = hot.exec(line);
    if (scan === null) return [];
    const byKey = scan[1] !== 'Seq Scan' && (lines[i + 1] ?? '').startsWith('Index Cond');
    return byKey
      ? []
      : [`${line}\n  in: ${plan.split('\n').find((l) => l.includes('Query Text')) ?? ''}`];
  });
}

/**
 * Item 0 alone, then items 1 to 4 while its batch commits (each commit takes 20 ms): the
 * batches sent, and the most that committed at once.
 */
async function fiveItemsDuringACommit(options: { maxBatch: number; maxInFlight?: number }) {
  const batches: number[][] = [];
  let committing = 0;
  let mostAtOnce = 0;
  const batcher = new Batcher<number, number>({
    ...options,
    maxWaitMs: 0,
    runBatch: async (items) => {
      batches.push(items);
      mostAtOnce = Math.max(mostAtOnce, ++committing);
      await new Promise((resolve) => setTimeout(resolve, 20));
      committing--;
      return items.map((n) => ({ ok: true as const, value: n }));
    },
    runOne: () => Promise.reject(new Error('not used')),
  });
  const first = batcher.submit(0);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const rest = [1, 2, 3, 4].map((n) => batcher.submit(n));
  expect(await Promise.all([first, ...rest])).toEqual([0, 1, 2, 3, 4]);
  return { batches, mostAtOnce };
}

/** The pool, with the name of every statement sent through it noted in `calls`. */
function countingPool(pool: pg.Pool): { calls: string[]; counting: pg.Pool } {
  const calls: string[] = [];
  const counting = {
    query: (...args: Parameters<pg.Pool['query']>) => {
      calls.push((args[0] as { name?: string }).name ?? 'unnamed');
      return (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  } as unknown as pg.Pool;
  return { calls, counting };
}
