// Where PostgreSQL's CPU goes per authorization: the hot path's statements run one after the
// other on one connection (no PSP, no HTTP), timed from the client and, from /proc, in CPU of
// the connection's backend process (PostgreSQL on the same machine). Also the parts of the
// finish step run one by one in a transaction.
// `node bench/statements.ts` with PG_URL set (REDIS_URL for the deps).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRedis, deleteNamespace } from '@scale-models/redis';
import { createTestDatabase, redis as redisServer } from '@scale-models/testkit';
import pg from 'pg';
import type { SealedCard } from '../src/adapters/card-vault.ts';
import { checkCard } from '../src/domain/card.ts';
import type { CheckedCard } from '../src/domain/card.ts';
import { createPaymentDeps } from '../src/payments/create-payment-deps.ts';
import { beginPayment } from '../src/payments/begin-payment.ts';
import type { NewPayment } from '../src/payments/begin-payment.ts';
import { finishAttempt } from '../src/payments/finish-payment.ts';
import type { FinishItem } from '../src/payments/finish-payment.ts';
import { requestFingerprint } from '../src/payments/idempotency-store.ts';
import { MERCHANT_KEYS, VAULT_KEY } from '../test/support/router-harness.ts';
import { freshCard } from '../test/support/sample-payments.ts';
import { round } from './measure.ts';

const COUNT = Number(process.env.BENCH_PAYMENTS ?? 2000);

const database = await createTestDatabase('payment_router_statements');
const namespace = `payment-router-bench-${randomUUID()}`;
const handle = createRedis((await redisServer()).url, { keyPrefix: namespace });
const deps = await createPaymentDeps({
  pgUrl: database.url,
  redis: handle.redis,
  pspUrls: new Map(),
  merchantKeys: new Map(
    MERCHANT_KEYS.split(',').map((pair) => pair.split(':') as [string, string]),
  ),
  vaultKey: VAULT_KEY,
  strategy: 'static',
  rules: [],
  pspTimeoutMs: 100,
  leaseMs: 30_000,
  groupCommit: { maxBatch: 1, maxWaitMs: 0 },
});
// One connection, so its backend's CPU is what these statements cost.
const single = new pg.Pool({ connectionString: database.url, max: 1 });
const { rows: pidRows } = await single.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
const backendPid = pidRows[0]!.pid;
// BENCH_SYNC_COMMIT=off: how much of it is the commits' WAL flushes.
if (process.env.BENCH_SYNC_COMMIT === 'off') await single.query('SET synchronous_commit = off');
const TICK_MS = 10; // USER_HZ 100

function backendCpuMs(): number {
  const fields = readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const wall = new Map<string, number>();
const cpu = new Map<string, number>();
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const c0 = backendCpuMs();
  const t0 = performance.now();
  const result = await work();
  wall.set(name, (wall.get(name) ?? 0) + performance.now() - t0);
  cpu.set(name, (cpu.get(name) ?? 0) + backendCpuMs() - c0);
  return result;
}

const on = { ...deps, pool: single };
const idempotency = new (
  deps.idempotency.constructor as new (pool: pg.Pool, leaseMs: number) => typeof deps.idempotency
)(single, 30_000);

/** The bench's payment number `i`: EUR, auto-captured, its first attempt at atlas. */
function benchPayment(i: number, key: string, card: CheckedCard, sealed: SealedCard): NewPayment {
  return {
    id: randomUUID(),
    merchantId: 'shop',
    key,
    money: { amount: 1000 + i, currency: 'EUR' },
    captureMethod: 'automatic',
    card,
    sealed,
    country: 'DE',
    fraud: { score: 0.1, decision: 'approve', reasons: [] } as never,
    routing: { reasons: ['static'], attempts: [] },
    description: null,
    leaseMs: 30_000,
    firstAttempt: { attemptId: randomUUID(), seq: 0, psp: 'atlas' },
  };
}

/** Atlas approved the payment's first attempt. */
function approvedAttempt(payment: NewPayment, i: number) {
  return {
    attemptId: payment.firstAttempt!.attemptId,
    psp: 'atlas',
    outcome: { kind: 'approved' as const, pspChargeId: `ch_${i}` },
    latencyMs: 3,
  };
}

const started = performance.now();
for (let i = 0; i < COUNT; i++) {
  const key = randomUUID();
  const card = checkCard({ number: freshCard(), expMonth: 12, expYear: 2031 }, new Date());
  const sealed = deps.vault.seal(card);
  await timed('1 claim key', () =>
    idempotency.claim('shop', key, requestFingerprint('POST', '/v1/payments', { key })),
  );
  const payment = benchPayment(i, key, card, sealed);
  const row = await timed('2 begin payment', () => beginPayment(single, payment));
  const view = await timed('3 finish payment', () =>
    finishAttempt(on, row, approvedAttempt(payment, i)),
  );
  await timed('4 complete key', () =>
    idempotency.complete('shop', key, { status: 201, body: view }),
  );
}
const elapsed = performance.now() - started;

// The finish step's parts, one statement each in a transaction (what finish_payment does).
for (let i = 0; i < COUNT / 4; i++) {
  const key = randomUUID();
  const card = checkCard({ number: freshCard(), expMonth: 12, expYear: 2031 }, new Date());
  await idempotency.claim('shop', key, requestFingerprint('POST', '/v1/payments', { key }));
  const payment = benchPayment(i, key, card, deps.vault.seal(card));
  const { id } = payment;
  const attemptId = payment.firstAttempt!.attemptId;
  const row = await beginPayment(single, payment);
  let captured: FinishItem | undefined;
  await finishAttempt(
    {
      ...on,
      finisher: {
        submit: (item: FinishItem) => {
          captured = item;
          return Promise.resolve(row);
        },
      } as never,
    },
    row,
    approvedAttempt(payment, i),
  );
  const item = captured!;
  await single.query('BEGIN');
  await timed('3a lock payment', () =>
    single.query({
      name: 'a',
      text: 'SELECT 1 FROM payments WHERE id = $1 FOR UPDATE',
      values: [id],
    }),
  );
  await timed('3b update attempt', () =>
    single.query({
      name: 'b',
      text: `UPDATE payment_attempts SET status = 'approved', psp_charge_id = $2 WHERE id = $1`,
      values: [attemptId, 'ch'],
    }),
  );
  await timed('3c update payment (trigger)', () =>
    single.query({
      name: 'c',
      text: `UPDATE payments SET status = $2, via_status = $3, psp = coalesce($4, psp), captured_amount = coalesce($5, captured_amount), routing = $6, lease_until = NULL WHERE id = $1`,
      values: [
        id,
        item.move.status,
        item.move.via ?? null,
        item.move.psp ?? null,
        item.move.capturedAmount ?? null,
        JSON.stringify(item.move.routing ?? {}),
      ],
    }),
  );
  await timed('3d psp operation', () =>
    single.query({
      name: 'd',
      text: `INSERT INTO psp_operations (id, payment_id, merchant_id, psp, kind, amount, currency) VALUES ($1, $2, 'shop', 'atlas', 'capture', 100, 'EUR')`,
      values: [attemptId, id],
    }),
  );
  await timed('3e ledger_post', () =>
    single.query({
      name: 'e',
      text: 'SELECT ledger_post($1::jsonb)',
      values: [JSON.stringify(item.transfers)],
    }),
  );
  await timed('3f outbox_put', () =>
    single.query({
      name: 'f',
      text: 'SELECT outbox_put($1::jsonb)',
      values: [JSON.stringify(item.events)],
    }),
  );
  await timed('3g commit', () => single.query('COMMIT'));
}
for (const name of [...wall.keys()].filter(
  (n) => n.startsWith('3') && n.length > 2 && n[1] !== ' ',
)) {
  wall.set(name, wall.get(name)! * 4);
  cpu.set(name, cpu.get(name)! * 4);
}
for (let i = 0; i < COUNT; i++) await timed('0 SELECT 1 (floor)', () => single.query('SELECT 1'));
let totalCpu = 0;
console.log(
  `${COUNT} authorizations' statements in sequence on one connection, ${round(COUNT / (elapsed / 1000), 0)}/s`,
);
for (const [name, ms] of [...wall].sort()) {
  if (!name.startsWith('0') && name[1] === ' ') totalCpu += cpu.get(name)!;
  console.log(
    `${name.padEnd(20)} wall ${round(ms / COUNT, 3)} ms  backend CPU ${round(cpu.get(name)! / COUNT, 3)} ms`,
  );
}
console.log(`backend CPU per authorization: ${round(totalCpu / COUNT, 3)} ms`);

await single.end();
await deps.pool.end();
await deleteNamespace(handle.redis, namespace);
await handle.close();
await database.drop();
