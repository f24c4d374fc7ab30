import { randomUUID } from 'node:crypto';
import { defineChapter } from '@scale-models/tests/tour';
import type { TourContext } from '@scale-models/tests/tour';
import { paymentBody } from '../test/support/sample-payments.ts';

const ROUTER_PORT = 7800;
const PSPS = ['atlas', 'borealis', 'cygnus'] as const;
const MERCHANT_KEY = 'sk_tour_shop_0123456789';
const OPERATOR_KEY = 'operator-tour-key-0123';

// The miniature's own database on the tour's PostgreSQL server (created at first start).
const pgUrl = new URL(process.env.PG_URL ?? 'postgres://scale:scale@127.0.0.1:5432/scale');
pgUrl.pathname = '/payment_router';

interface Payment {
  id: string;
  status: string;
  psp: string | null;
  routing: { attempts: { psp: string }[] };
}

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };

async function pay(context: TourContext, key = randomUUID(), body: unknown = paymentBody()) {
  const response = await fetch(`${context.url('router')}/v1/payments`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${MERCHANT_KEY}`,
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    payment: (await response.json()) as Payment,
  };
}

/** `count` payments from 8 concurrent clients; approval rate and where first attempts went. */
async function traffic(context: TourContext, count: number) {
  const payments: Payment[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (payments.length < count) payments.push((await pay(context)).payment);
    }),
  );
  const approved = payments.filter((p) => p.status === 'captured').length;
  const share = (list: Payment[]) =>
    PSPS.map(
      (psp) =>
        `${psp} ${Math.round((100 * list.filter((p) => p.routing.attempts[0]?.psp === psp).length) / list.length)} %`,
    ).join(', ');
  return {
    rate: Math.round((1000 * approved) / payments.length) / 10,
    firstHalf: share(payments.slice(0, count / 2)),
    secondHalf: share(payments.slice(count / 2)),
  };
}

async function setMode(context: TourContext, psp: string, mode: string) {
  await fetch(`${context.url(psp)}/_control/mode`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
}

export default defineChapter({
  miniature: 'payment-router',
  title: 'payments routed across three PSPs while one of them fails',
  processes: [
    ...PSPS.map((name, i) => ({
      name,
      args: ['src/bin/psp-simulator.ts'],
      env: { PORT: String(ROUTER_PORT + i + 1), PSP_NAME: name, LATENCY_SCALE: '0.2' },
      url: `http://127.0.0.1:${ROUTER_PORT + i + 1}`,
    })),
    {
      name: 'router',
      args: ['src/bin/router.ts'],
      env: {
        PORT: String(ROUTER_PORT),
        PG_URL: pgUrl.toString(),
        PSP_URLS: PSPS.map((name, i) => `${name}=http://127.0.0.1:${ROUTER_PORT + i + 1}`).join(
          ',',
        ),
        MERCHANT_KEYS: `tour-shop:${MERCHANT_KEY}`,
        OPERATOR_KEY,
        VAULT_KEY: '5e'.repeat(32),
      },
      url: `http://127.0.0.1:${ROUTER_PORT}`,
    },
  ],
  steps: [
    {
      title: 'send 300 card payments through three healthy PSPs',
      run: async (context) => {
        const { rate, secondHalf } = await traffic(context, 300);
        return `${rate} % authorized; first attempts: ${secondHalf}`;
      },
    },
    {
      title: 'degrade atlas: its issuer links fail (approvals collapse into do_not_honor)',
      run: async (context) => {
        await setMode(context, 'atlas', 'degraded');
        return 'PUT /_control/mode {"mode":"degraded"} on atlas';
      },
    },
    {
      title: 'send 600 more payments: routing learns and shifts away from atlas',
      run: async (context) => {
        const { rate, firstHalf, secondHalf } = await traffic(context, 600);
        return `${rate} % authorized; first attempts went ${firstHalf} in the first 300, then ${secondHalf}`;
      },
    },
    {
      title: 'retry one request five times with the same Idempotency-Key',
      run: async (context) => {
        const key = randomUUID();
        const body = paymentBody();
        const answers = [];
        for (let i = 0; i < 5; i++) answers.push(await pay(context, key, body));
        const ids = new Set(answers.map((answer) => answer.payment.id));
        return `${ids.size} payment (${answers[0]!.payment.status}); ${answers.filter((a) => a.replayed).length} of 5 answers were replays of the first`;
      },
    },
    {
      title: 'check the books: every currency balances, cached balances match the entries',
      run: async (context) => {
        const trial = (await (
          await fetch(`${context.url('router')}/v1/ledger/trial-balance`, { headers: operator })
        ).json()) as {
          totals: Record<string, number>;
          driftedAccounts: string[];
          unbalancedTransfers: string[];
        };
        if (trial.driftedAccounts.length + trial.unbalancedTransfers.length > 0)
          throw new Error(JSON.stringify(trial));
        return `sum of balances per currency: ${JSON.stringify(trial.totals)}; drifted accounts 0, unbalanced transfers 0`;
      },
    },
    {
      title: "reconcile today's settlement files and settle",
      run: async (context) => {
        const day = new Date().toISOString().slice(0, 10);
        const lines: string[] = [];
        for (const psp of PSPS) {
          const response = await fetch(`${context.url('router')}/v1/reconciliations`, {
            method: 'POST',
            headers: { ...operator, 'content-type': 'application/json' },
            body: JSON.stringify({ psp, day }),
          });
          const report = (await response.json()) as {
            matched: number;
            missing: unknown[];
            extra: unknown[];
            mismatched: unknown[];
          };
          lines.push(
            `${psp}: ${report.matched} matched, ${report.missing.length} missing, ${report.extra.length} extra, ${report.mismatched.length} mismatched`,
          );
        }
        await setMode(context, 'atlas', 'healthy');
        return lines.join('; ');
      },
    },
  ],
});
