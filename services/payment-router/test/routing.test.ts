import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentView } from '../src/payments/payment-view.ts';
import type { PspName, ServiceProcess } from './support/processes.ts';
import { chargesAt, pspUrls, setPspMode, startPsps } from './support/processes.ts';
import type { Router } from './support/router-harness.ts';
import {
  deleteRedisNamespace,
  headers,
  OPERATOR_KEY,
  startRouter,
} from './support/router-harness.ts';
import { freshCard, paymentBody } from './support/sample-payments.ts';

let psps: Map<PspName, ServiceProcess>;

beforeAll(async () => {
  psps = await startPsps({ LATE_ANSWER_MS: '1500' });
});
afterAll(async () => {
  await Promise.all([...(psps?.values() ?? [])].map((psp) => psp.kill()));
});
afterEach(async () => {
  await Promise.all([...psps.values()].map((psp) => setPspMode(psp, 'healthy')));
});

async function withRouter(
  options: Parameters<typeof startRouter>[1],
  run: (router: Router) => Promise<void>,
) {
  const router = await startRouter(pspUrls(psps), options);
  try {
    await run(router);
  } finally {
    await router.close();
  }
}

async function pay(router: Router, overrides: Record<string, unknown> = {}) {
  const response = await router.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: headers(randomUUID()),
    payload: paymentBody(overrides),
  });
  return response.json<PaymentView>();
}

const approvedCard = { number: '4242424242424242', expMonth: 12, expYear: 2031 };

describe('PSP failures', () => {
  it('a PSP timing out after it approved is resolved by status inquiry, charged once', async () => {
    await setPspMode(psps.get('atlas')!, 'timeout');
    await withRouter(
      { rules: [{ name: 'atlas-only', when: {}, only: ['atlas'] }], pspTimeoutMs: 300 },
      async (router) => {
        const view = await pay(router, { card: approvedCard });
        expect(view).toMatchObject({ status: 'captured', psp: 'atlas' });
        expect(view.routing.attempts).toHaveLength(1);
        const { rows } = await router.deps.pool.query<{ id: string; status: string }>(
          'SELECT id, status FROM payment_attempts WHERE payment_id = $1',
          [view.id],
        );
        expect(rows[0]!.status).toBe('approved');
        expect(await chargesAt(psps.get('atlas')!, rows[0]!.id)).toBe(1);
      },
    );
  });

  it('captures, refunds and voids a PSP answers too late are resolved by inquiry, done once', async () => {
    const atlas = psps.get('atlas')!;
    await withRouter(
      { rules: [{ name: 'atlas-only', when: {}, only: ['atlas'] }], pspTimeoutMs: 300 },
      async (router) => {
        const captured = await pay(router, { card: approvedCard, captureMethod: 'manual' });
        const voided = await pay(router, { card: approvedCard, captureMethod: 'manual' });
        await setPspMode(atlas, 'timeout');
        const operate = (id: string, path: string, payload: object) =>
          router.app.inject({
            method: 'POST',
            url: `/v1/payments/${id}/${path}`,
            headers: headers(randomUUID()),
            payload,
          });
        const capture = await operate(captured.id, 'capture', {});
        expect(capture.statusCode).toBe(200);
        expect(capture.json()).toMatchObject({ status: 'captured', capturedAmount: 2500 });
        const refund = await operate(captured.id, 'refunds', { amount: 1000 });
        expect(refund.json()).toMatchObject({ status: 'partially_refunded', refundedAmount: 1000 });
        const voiding = await operate(voided.id, 'void', {});
        expect(voiding.json()).toMatchObject({ status: 'voided' });

        const { rows } = await router.deps.pool.query<{ psp_charge_id: string }>(
          'SELECT psp_charge_id FROM payments WHERE id = $1',
          [captured.id],
        );
        const day = new Date().toISOString().slice(0, 10);
        const lines = (await router.deps.psps.get('atlas')!.settlementFile(day)).filter(
          (line) => line.pspChargeId === rows[0]!.psp_charge_id,
        );
        expect(lines.map((line) => [line.type, line.amount])).toEqual([
          ['capture', 2500],
          ['refund', 1000],
        ]);
        const trial = await router.app.inject({
          method: 'GET',
          url: '/v1/ledger/trial-balance',
          headers: { authorization: `Bearer ${OPERATOR_KEY}` },
        });
        expect(trial.json()).toMatchObject({ totals: { EUR: 0 }, driftedAccounts: [] });
      },
    );
  });

  it('cascades past a PSP in outage, and its circuit breaker opens', async () => {
    await setPspMode(psps.get('atlas')!, 'outage');
    await withRouter(
      { rules: [{ name: 'atlas-first', when: {}, prefer: 'atlas' }] },
      async (router) => {
        const first = await pay(router, { card: { ...approvedCard, number: freshCard() } });
        expect(first.routing.attempts[0]).toMatchObject({ psp: 'atlas', outcome: 'unavailable' });
        // The refused attempt is recorded, and the next one inserted, in one statement.
        const { rows: attempts } = await router.deps.pool.query<{ psp: string; status: string }>(
          'SELECT psp, status FROM payment_attempts WHERE payment_id = $1 ORDER BY seq',
          [first.id],
        );
        expect(attempts).toEqual([
          { psp: 'atlas', status: 'soft_decline' },
          { psp: first.routing.attempts[1]!.psp, status: 'approved' },
        ]);
        for (let i = 0; i < 12; i++) await pay(router);
        const stats = await router.app.inject({
          method: 'GET',
          url: '/v1/routing',
          headers: { authorization: `Bearer ${OPERATOR_KEY}` },
        });
        expect(stats.json<{ breakers: Record<string, string> }>().breakers.atlas).toBe('open');
        const skipped = await pay(router);
        expect(skipped.routing.attempts.map((attempt) => attempt.psp)).not.toContain('atlas');
        expect(skipped.routing.reasons).toContain('atlas: circuit open');
      },
    );
  });

  it('learns to route around a degraded PSP', async () => {
    await setPspMode(psps.get('atlas')!, 'degraded');
    // Left to itself, the first router might never draw atlas first (once the others have a
    // few approvals, an untried PSP wins a draw rarely), and would have nothing to learn. So
    // one router is made to send atlas 20 payments first; a second, without rules, shares
    // its routing memory in Redis.
    const redisPrefix = `payment-router-test-${randomUUID()}`;
    try {
      const atlasFirst = { name: 'atlas-first', when: {}, prefer: 'atlas' };
      await withRouter({ rules: [atlasFirst], redisPrefix }, async (router) => {
        for (let i = 0; i < 20; i++)
          expect((await pay(router)).routing.attempts[0]!.psp).toBe('atlas');
      });
      await withRouter({ redisPrefix }, async (router) => {
        const routedTo: string[] = [];
        for (let i = 0; i < 40; i++) routedTo.push((await pay(router)).routing.attempts[0]!.psp);
        // Beyond exploration, atlas is no longer tried first.
        expect(routedTo.filter((psp) => psp === 'atlas').length / 40).toBeLessThan(0.2);
      });
    } finally {
      await deleteRedisNamespace(redisPrefix);
    }
  });
});
