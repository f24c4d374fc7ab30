import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PaymentView } from '../src/payments/payment-view.ts';
import type { ServiceProcess, PspName } from './support/processes.ts';
import { chargesAt, pspUrls, startPsps } from './support/processes.ts';
import type { Router } from './support/router-harness.ts';
import { BOOKS_KEY, OPERATOR_KEY, headers, startRouter } from './support/router-harness.ts';
import { paymentBody } from './support/sample-payments.ts';

let psps: Map<PspName, ServiceProcess>;
let router: Router;

beforeAll(async () => {
  psps = await startPsps();
  router = await startRouter(pspUrls(psps));
});
afterAll(async () => {
  await router?.close();
  await Promise.all([...(psps?.values() ?? [])].map((psp) => psp.kill()));
});

async function create(body: unknown, key: string | null = randomUUID()) {
  return router.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: headers(key ?? undefined),
    payload: body as object,
  });
}

async function operate(id: string, action: string, body: unknown = {}, key = randomUUID()) {
  return router.app.inject({
    method: 'POST',
    url: `/v1/payments/${id}/${action}`,
    headers: headers(key),
    payload: body as object,
  });
}

async function ledgerRows() {
  const { rows } = await router.deps.pool.query<{ entries: string; transfers: string }>(
    'SELECT (SELECT count(*) FROM ledger_entries) AS entries, (SELECT count(*) FROM ledger_transfers) AS transfers',
  );
  return rows[0]!;
}

async function trialBalance() {
  const response = await router.app.inject({
    method: 'GET',
    url: '/v1/ledger/trial-balance',
    headers: { authorization: `Bearer ${OPERATOR_KEY}` },
  });
  return response.json<{
    totals: Record<string, number>;
    driftedAccounts: string[];
    unbalancedTransfers: string[];
    accounts: { code: string; balance: number }[];
  }>();
}

/** A payment the PSPs approve: retried with new cards until one is (a PSP may decline). */
async function approved(overrides: Record<string, unknown> = {}): Promise<PaymentView> {
  for (let i = 0; i < 10; i++) {
    const response = await create(paymentBody(overrides));
    const view = response.json<PaymentView>();
    if (response.statusCode === 201) return view;
  }
  throw new Error('ten payments in a row declined');
}

describe('payments', () => {
  it('authorizes and captures, showing only brand and last four of the card', async () => {
    const body = paymentBody();
    const response = await create(body);
    expect([201, 402]).toContain(response.statusCode);
    const view = response.json<PaymentView>();
    expect(view.card.last4).toBe(body.card.number.slice(-4));
    expect(response.body).not.toContain(body.card.number);
    const payment = await approved();
    expect(payment).toMatchObject({
      status: 'captured',
      capturedAmount: 2500,
      amount: 2500,
      currency: 'EUR',
    });
    expect(payment.routing.attempts.at(-1)?.outcome).toBe('approved');
    const { rows } = await router.deps.pool.query<{ pan_ciphertext: Buffer }>(
      'SELECT pan_ciphertext FROM card_vault',
    );
    for (const row of rows)
      expect(row.pan_ciphertext.toString('latin1')).not.toContain(body.card.number);
  });

  it('charges a stored card by its token, for the merchant that stored it only', async () => {
    const first = await approved();
    expect(first.card.token).toMatch(/^tok_[0-9a-f]{32}$/);
    const again = await create(paymentBody({ card: { token: first.card.token }, amount: 1234 }));
    expect([201, 402]).toContain(again.statusCode);
    expect(again.json<PaymentView>().card).toEqual(first.card);
    // The issuer of this card declines: a decline from the PSP shows the PAN reached it.
    const declining = paymentBody({
      card: { number: '4000000000009995', expMonth: 1, expYear: 2031 },
    });
    const stored = (await create(declining)).json<PaymentView>();
    const retried = (
      await create(paymentBody({ card: { token: stored.card.token } }))
    ).json<PaymentView>();
    expect(retried).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds' });
    expect(retried.routing.attempts).toHaveLength(1);

    const otherMerchant = await router.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: headers(randomUUID(), BOOKS_KEY),
      payload: paymentBody({ card: { token: first.card.token } }),
    });
    expect(otherMerchant.statusCode).toBe(404);
    expect(otherMerchant.json()).toMatchObject({ code: 'card.unknown_token' });
    const madeUp = await create(paymentBody({ card: { token: `tok_${'0'.repeat(32)}` } }));
    expect(madeUp.json()).toMatchObject({ code: 'card.unknown_token' });
  });

  it('captures part of a manual authorization, refunds twice, refuses to refund more', async () => {
    const payment = await approved({ captureMethod: 'manual', amount: 10_000 });
    expect(payment.status).toBe('authorized');
    const captured = await operate(payment.id, 'capture', { amount: 8_000 });
    expect(captured.json()).toMatchObject({ status: 'captured', capturedAmount: 8_000 });
    expect((await operate(payment.id, 'refunds', { amount: 3_000 })).json()).toMatchObject({
      status: 'partially_refunded',
      refundedAmount: 3_000,
    });
    const before = await ledgerRows();
    const tooMuch = await operate(payment.id, 'refunds', { amount: 5_001 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json()).toMatchObject({ code: 'refund.exceeds_captured', refundable: 5_000 });
    expect(await ledgerRows()).toEqual(before);
    expect((await operate(payment.id, 'refunds', {})).json()).toMatchObject({
      status: 'refunded',
      refundedAmount: 8_000,
    });
    const history = await router.app.inject({
      method: 'GET',
      url: `/v1/payments/${payment.id}/events`,
      headers: headers(undefined),
    });
    expect(history.json<{ events: { to: string }[] }>().events.map((event) => event.to)).toEqual([
      'processing',
      'authorized',
      'captured',
      'partially_refunded',
      'refunded',
    ]);
  });

  it('voids an authorization and refuses to capture it afterwards', async () => {
    const payment = await approved({ captureMethod: 'manual' });
    expect((await operate(payment.id, 'void')).json()).toMatchObject({ status: 'voided' });
    const capture = await operate(payment.id, 'capture');
    expect(capture.statusCode).toBe(409);
    expect(capture.json()).toMatchObject({ code: 'payment.illegal_transition', status: 409 });
  });

  it('declines a card its issuer declines everywhere without cascading', async () => {
    const response = await create(
      paymentBody({ card: { number: '4000000000009995', expMonth: 1, expYear: 2031 } }),
    );
    expect(response.statusCode).toBe(402);
    const view = response.json<PaymentView>();
    expect(view).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds' });
    expect(view.routing.attempts).toHaveLength(1);
  });

  it('keeps another merchant out of a payment', async () => {
    const payment = await approved();
    const response = await router.app.inject({
      method: 'GET',
      url: `/v1/payments/${payment.id}`,
      headers: headers(undefined, BOOKS_KEY),
    });
    expect(response.statusCode).toBe(404);
    const list = await router.app.inject({
      method: 'GET',
      url: '/v1/payments?limit=5',
      headers: headers(undefined),
    });
    expect(list.json<{ data: unknown[]; hasMore: boolean }>().data.length).toBeGreaterThan(0);
  });
});

describe('bad input', () => {
  it.each([
    [{ amount: -5 }, 'amount.not_positive'],
    [{ amount: 12.5 }, 'amount.not_integer'],
    [{ amount: 0 }, 'amount.not_positive'],
    [{ currency: 'EUX' }, 'currency.unknown'],
    [{ currency: 'JPY', currencyExponent: 2 }, 'amount.wrong_exponent'],
    [{ card: { number: '4242424242424241', expMonth: 1, expYear: 2031 } }, 'card.invalid_number'],
    [{ card: { number: '4242424242424242', expMonth: 1, expYear: 2020 } }, 'card.expired'],
    [{ card: { number: '4242424242424242', expMonth: 1 } }, 'card.incomplete'],
    [{ amount: 'ten' }, 'request.invalid'],
  ])('%j is refused with %s and writes nothing', async (overrides, code) => {
    const before = await ledgerRows();
    const response = await create(paymentBody(overrides));
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code });
    expect(response.body).not.toContain('424242424242424');
    expect(await ledgerRows()).toEqual(before);
  });

  it('needs an Idempotency-Key and an API key', async () => {
    expect((await create(paymentBody(), null)).json()).toMatchObject({
      code: 'idempotency.key_missing',
    });
    const anonymous = await router.app.inject({
      method: 'POST',
      url: '/v1/payments',
      payload: paymentBody(),
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('idempotency', () => {
  it('replays the stored response, and refuses the key with a different body (422)', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const first = await create(body, key);
    const again = await create(body, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.json()).toEqual(first.json());
    const other = await create({ ...body, amount: 2501 }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'idempotency.key_reused' });
  });

  it('stores the answer in the finish transaction, and replays it equal for approved and declined payments', async () => {
    const declinedCard = { number: '4000000000009995', expMonth: 1, expYear: 2031 };
    for (const [body, status] of [
      [paymentBody(), 201],
      [paymentBody({ card: declinedCard }), 402],
    ] as const) {
      const key = randomUUID();
      const release = vi.spyOn(router.deps.idempotency, 'release');
      const complete = vi.spyOn(router.deps.idempotency, 'complete');
      const first = await create(body, key);
      expect(first.statusCode).toBe(status);
      // Nothing more to write for the key after the finish.
      expect(release).not.toHaveBeenCalled();
      expect(complete).not.toHaveBeenCalled();
      release.mockRestore();
      complete.mockRestore();
      const { rows } = await router.deps.pool.query<{ state: string; response_status: number }>(
        'SELECT state, response_status FROM idempotency_keys WHERE key = $1',
        [key],
      );
      expect(rows).toEqual([{ state: 'done', response_status: status }]);
      const again = await create(body, key);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.statusCode).toBe(status);
      // The stored answer is built in SQL (payment_view), the first one by viewOf.
      expect(again.json()).toEqual(first.json());
    }
  });

  it('treats a key older than 24 hours as new', async () => {
    const key = randomUUID();
    const first = (await create(paymentBody(), key)).json<PaymentView>();
    await router.deps.pool.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
      [key],
    );
    const reused = await create(paymentBody({ amount: 777 }), key);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    const second = reused.json<PaymentView>();
    expect(second.id).not.toBe(first.id);
    expect(second.amount).toBe(777);
  });

  it('replays an error raised during execution', async () => {
    const payment = await approved({ captureMethod: 'manual' });
    await operate(payment.id, 'void');
    const key = randomUUID();
    const first = await operate(payment.id, 'capture', {}, key);
    const again = await operate(payment.id, 'capture', {}, key);
    expect(first.statusCode).toBe(409);
    expect(again.json()).toEqual(first.json());
  });

  it('counts a request and its duplicates once in the fraud velocity windows', async () => {
    // Redis is asked while the key is claimed, so duplicates reach the windows too.
    const body = paymentBody();
    const key = randomUUID();
    await Promise.all(Array.from({ length: 10 }, () => create(body, key)));
    await create(body, key);
    const { fraud } = (await create(body)).json<PaymentView>();
    expect(fraud.decision).toBe('approve');
    expect(fraud.reasons.map((reason) => reason.code)).not.toContain('card_velocity_10m');
    const other = await create(body);
    expect(other.json<PaymentView>().fraud.reasons.map((reason) => reason.detail)).toContain(
      'card used 3 times in 10 minutes',
    );
  });

  it('50 concurrent duplicates make one payment, one PSP charge, one set of ledger entries', async () => {
    const key = randomUUID();
    const body = paymentBody({ captureMethod: 'automatic' });
    const responses = await Promise.all(Array.from({ length: 50 }, () => create(body, key)));
    const statuses = responses.map((response) => response.statusCode);
    const executed = statuses.filter((status) => status === 201 || status === 402);
    expect(statuses.filter((status) => status === 409).length + executed.length).toBe(50);
    const ids = new Set(
      responses.filter((r) => r.statusCode !== 409).map((r) => r.json<PaymentView>().id),
    );
    expect(ids.size).toBe(1);
    const settled = await create(body, key);
    const view = settled.json<PaymentView>();
    expect(ids.has(view.id)).toBe(true);
    const { rows: payments } = await router.deps.pool.query(
      `SELECT p.id FROM payments p JOIN idempotency_keys k ON k.payment_id = p.id WHERE k.key = $1`,
      [key],
    );
    expect(payments).toHaveLength(1);
    const { rows: attempts } = await router.deps.pool.query<{ id: string; psp: PspName }>(
      'SELECT id, psp FROM payment_attempts WHERE payment_id = $1',
      [view.id],
    );
    for (const attempt of attempts)
      expect(await chargesAt(psps.get(attempt.psp)!, attempt.id)).toBe(1);
    const { rows: transfers } = await router.deps.pool.query(
      'SELECT kind FROM ledger_transfers WHERE payment_id = $1',
      [view.id],
    );
    expect(transfers.length).toBe(view.status === 'captured' ? 2 : 0);
  });
});

describe('books', () => {
  it('balance per currency, with cached balances equal to the entries, and reconcile cleanly', async () => {
    const manual = await approved({ captureMethod: 'manual', amount: 4_000 });
    await operate(manual.id, 'capture', { amount: 3_000 });
    await operate(manual.id, 'refunds', { amount: 1_000 });
    await approved({ currency: 'USD', amount: 999, customer: { country: 'US' } });
    const books = await trialBalance();
    expect(books.driftedAccounts).toEqual([]);
    expect(books.unbalancedTransfers).toEqual([]);
    for (const total of Object.values(books.totals)) expect(total).toBe(0);

    const day = new Date().toISOString().slice(0, 10);
    for (const psp of psps.keys()) {
      const report = await router.app.inject({
        method: 'POST',
        url: '/v1/reconciliations',
        headers: { authorization: `Bearer ${OPERATOR_KEY}` },
        payload: { psp, day },
      });
      const body = report.json<{
        missing: unknown[];
        extra: unknown[];
        mismatched: unknown[];
        settlements: { posted: boolean }[];
      }>();
      expect(body).toMatchObject({ missing: [], extra: [], mismatched: [] });
      const again = await router.app.inject({
        method: 'POST',
        url: '/v1/reconciliations',
        headers: { authorization: `Bearer ${OPERATOR_KEY}` },
        payload: { psp, day },
      });
      expect(
        again.json<{ settlements: { posted: boolean }[] }>().settlements.every((s) => !s.posted),
      ).toBe(true);
    }
    const settled = await trialBalance();
    for (const total of Object.values(settled.totals)) expect(total).toBe(0);
    const receivables = settled.accounts.filter((a) => a.code.startsWith('psp_receivable:'));
    for (const account of receivables) expect(account.balance).toBe(0);
    expect(
      settled.accounts.some((a) => a.code.startsWith('merchant_payable:shop:') && a.balance > 0),
    ).toBe(true);
  });

  it('refuses books-wide endpoints to merchants', async () => {
    const response = await router.app.inject({
      method: 'GET',
      url: '/v1/ledger/trial-balance',
      headers: headers(undefined),
    });
    expect(response.statusCode).toBe(401);
  });
});
