import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestDatabase,
  eventually,
  freePort,
  kafka as kafkaServer,
  redis as redisServer,
} from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import type { PaymentView } from '../src/payments/payment-view.ts';
import { paymentEvents } from '../src/contracts.ts';
import type { PspName, ServiceProcess } from './support/processes.ts';
import { chargesAt, pspUrls, startProcess, startPsps } from './support/processes.ts';
import {
  deleteRedisNamespace,
  headers,
  MERCHANT_KEYS,
  OPERATOR_KEY,
  VAULT_KEY,
} from './support/router-harness.ts';
import { paymentBody } from './support/sample-payments.ts';

let psps: Map<PspName, ServiceProcess>;
let database: TestDatabase;
let pool: pg.Pool;
const processes: ServiceProcess[] = [];
const redisNamespace = `payment-router-test-${randomUUID()}`;

beforeAll(async () => {
  psps = await startPsps();
  database = await createTestDatabase('payment_router_crash');
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await Promise.all(processes.map((process) => process.kill()));
  await Promise.all([...(psps?.values() ?? [])].map((psp) => psp.kill()));
  await pool?.end();
  await database?.drop();
  await deleteRedisNamespace(redisNamespace);
});

async function startRouterProcess(port: number, env: Record<string, string> = {}) {
  const { brokers } = await kafkaServer();
  const router = await startProcess(
    'router.ts',
    {
      PG_URL: database.url,
      REDIS_URL: (await redisServer()).url,
      REDIS_KEY_PREFIX: redisNamespace,
      KAFKA_BROKERS: brokers.join(','),
      PSP_URLS: pspUrls(psps),
      MERCHANT_KEYS,
      OPERATOR_KEY,
      VAULT_KEY,
      // Only atlas, so the test knows where the charge is.
      ROUTING_RULES: JSON.stringify([{ name: 'atlas-only', when: {}, only: ['atlas'] }]),
      LEASE_MS: '1000',
      RECOVERY_INTERVAL_MS: '200',
      ...env,
    },
    port,
  );
  processes.push(router);
  return router;
}

it('a router killed between the PSP approval and the commit resolves the payment on restart, charged once', async () => {
  const port = await freePort();
  const crashing = await startRouterProcess(port, { CRASH_AT: 'after_psp_approval' });
  // Where the event topics (made by the router at start) end now: the test reads from there,
  // not through every event the shared broker has kept.
  const { brokers } = await kafkaServer();
  const kafka = new Kafka({ brokers, clientId: 'payment-router-crash-test', logLevel: 0 });
  const eventTopics = [paymentEvents.authorized.topic, paymentEvents.captured.topic];
  const admin = kafka.admin();
  await admin.connect();
  const startOffsets = await Promise.all(
    eventTopics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })),
  );
  await admin.disconnect();
  const key = randomUUID();
  const body = JSON.stringify(
    paymentBody({
      card: { number: '4242424242424242', expMonth: 12, expYear: 2031 },
      customer: { country: 'DE', ip: '192.0.2.1' },
    }),
  );
  const send = () =>
    fetch(`${crashing.url}/v1/payments`, {
      method: 'POST',
      headers: { ...headers(key), 'content-type': 'application/json' },
      body,
    });
  await expect(send()).rejects.toThrow();
  await crashing.exited();

  const { rows: stuck } = await pool.query<{ id: string; status: string; attempt: string }>(
    `SELECT p.id, p.status, a.id AS attempt FROM payments p JOIN payment_attempts a ON a.payment_id = p.id`,
  );
  expect(stuck).toHaveLength(1);
  expect(stuck[0]!.status).toBe('processing');
  const paymentId = stuck[0]!.id;
  const attemptId = stuck[0]!.attempt;
  expect(await chargesAt(psps.get('atlas')!, attemptId)).toBe(1);

  const restarted = await startRouterProcess(port);
  await eventually(async () => {
    const { rows } = await pool.query<{ status: string }>(
      'SELECT status FROM payments WHERE id = $1',
      [paymentId],
    );
    expect(rows[0]!.status).toBe('captured');
  });
  const retry = await fetch(`${restarted.url}/v1/payments`, {
    method: 'POST',
    headers: { ...headers(key), 'content-type': 'application/json' },
    body,
  });
  expect(retry.status).toBe(201);
  expect(((await retry.json()) as PaymentView).id).toBe(paymentId);

  expect(await chargesAt(psps.get('atlas')!, attemptId)).toBe(1);
  const { rows: payments } = await pool.query('SELECT id FROM payments');
  expect(payments).toHaveLength(1);
  const { rows: transfers } = await pool.query<{ kind: string }>(
    'SELECT kind FROM ledger_transfers WHERE payment_id = $1 ORDER BY kind',
    [paymentId],
  );
  expect(transfers.map((t) => t.kind)).toEqual(['authorize', 'capture']);
  const books = await fetch(`${restarted.url}/v1/ledger/trial-balance`, {
    headers: { authorization: `Bearer ${OPERATOR_KEY}` },
  });
  const trial = (await books.json()) as {
    totals: Record<string, number>;
    driftedAccounts: string[];
  };
  expect(trial.totals).toEqual({ EUR: 0 });
  expect(trial.driftedAccounts).toEqual([]);

  // The recovered payment's events leave through the outbox to Kafka.
  const consumer = kafka.consumer({ groupId: `crash-test-${randomUUID()}` });
  await consumer.connect();
  const seen = new Set<string>();
  try {
    await consumer.subscribe({ topics: eventTopics });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        const contract =
          topic === paymentEvents.captured.topic
            ? paymentEvents.captured
            : paymentEvents.authorized;
        const event = contract.decode(message.value);
        if (event.data.paymentId === paymentId) seen.add(topic);
        return Promise.resolve();
      },
    });
    for (const { topic, partitions } of startOffsets) {
      for (const { partition, high } of partitions)
        consumer.seek({ topic, partition, offset: high });
    }
    await eventually(() => expect(seen.size).toBe(2), { timeoutMs: 30_000 });
  } finally {
    await consumer.disconnect();
  }
});
