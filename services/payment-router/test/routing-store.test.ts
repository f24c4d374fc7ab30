import { randomUUID } from 'node:crypto';
import { createRedis, deleteNamespace } from '@scale-models/redis';
import type { RedisHandle } from '@scale-models/redis';
import { redis as redisServer } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoutingStore } from '../src/adapters/routing-store.ts';
import type { PaymentView } from '../src/payments/payment-view.ts';
import type { PspName, ServiceProcess } from './support/processes.ts';
import { pspUrls, setPspMode, startPsps } from './support/processes.ts';
import {
  deleteRedisNamespace,
  headers,
  OPERATOR_KEY,
  startRouter,
} from './support/router-harness.ts';
import { paymentBody } from './support/sample-payments.ts';

const segment = { brand: 'visa', country: 'DE', currency: 'EUR' };
const breaker = { window: 10, minimumCalls: 4, failureRate: 0.5, openMs: 1000 };

/** Two clients on one prefix: two router instances' view of the same Redis state. */
async function twoInstances() {
  const { url } = await redisServer();
  const prefix = `payment-router-test-${randomUUID()}`;
  const handles: RedisHandle[] = [
    createRedis(url, { keyPrefix: prefix }),
    createRedis(url, { keyPrefix: prefix }),
  ];
  const stores = handles.map((handle) =>
    createRoutingStore(handle.redis, { psps: ['atlas', 'borealis'], rateWindow: 10, breaker }),
  );
  const close = async () => {
    await deleteNamespace(handles[0]!.redis, prefix);
    await Promise.all(handles.map((h) => h.close()));
  };
  return { a: stores[0]!, b: stores[1]!, close };
}

describe('routing memory in Redis', () => {
  it('counts outcomes over a sliding window that both instances feed and read', async () => {
    const { a, b, close } = await twoInstances();
    try {
      for (let i = 0; i < 10; i++)
        await a.record(segment, 'atlas', { approved: false, callOk: true }, 0);
      for (let i = 0; i < 6; i++)
        await b.record(segment, 'atlas', { approved: true, callOk: true }, 0);
      await b.record(segment, 'atlas', { callOk: true }, 0); // a card's hard decline: not counted
      expect((await a.view(segment, 0)).counts.get('atlas')).toEqual({ approved: 6, declined: 4 });
      for (let i = 0; i < 4; i++)
        await a.record(segment, 'atlas', { approved: true, callOk: true }, 0);
      expect((await b.view(segment, 0)).counts.get('atlas')).toEqual({ approved: 10, declined: 0 });
    } finally {
      await close();
    }
  });

  it('opens a breaker for all instances, lets one probe through, closes on its success', async () => {
    const { a, b, close } = await twoInstances();
    try {
      for (let i = 0; i < 2; i++) await a.record(segment, 'atlas', { callOk: false }, 0);
      for (let i = 0; i < 2; i++) await b.record(segment, 'atlas', { callOk: false }, 0);
      expect((await b.view(segment, 500)).breakers.get('atlas')).toBe('open');
      expect((await a.view(segment, 500)).breakers.get('borealis')).toBe('closed');
      expect((await a.view(segment, 1000)).breakers.get('atlas')).toBe('half_open');
      expect(await a.allowProbe('atlas', 1000)).toBe(true);
      expect(await b.allowProbe('atlas', 1001)).toBe(false);
      await a.record(segment, 'atlas', { callOk: false }, 1002);
      expect((await b.view(segment, 1003)).breakers.get('atlas')).toBe('open');
      expect(await b.allowProbe('atlas', 2002)).toBe(true);
      await b.record(segment, 'atlas', { callOk: true }, 2003);
      expect((await a.view(segment, 2004)).breakers.get('atlas')).toBe('closed');
    } finally {
      await close();
    }
  });

  it('a probe whose caller died is taken over after the cool-down', async () => {
    const { a, b, close } = await twoInstances();
    try {
      for (let i = 0; i < 4; i++) await a.record(segment, 'atlas', { callOk: false }, 0);
      expect(await a.allowProbe('atlas', 1000)).toBe(true);
      expect(await b.allowProbe('atlas', 1999)).toBe(false);
      expect(await b.allowProbe('atlas', 2000)).toBe(true);
    } finally {
      await close();
    }
  });
});

describe('two router instances', () => {
  let psps: Map<PspName, ServiceProcess>;
  beforeAll(async () => {
    psps = await startPsps();
  });
  afterAll(async () => {
    await Promise.all([...(psps?.values() ?? [])].map((psp) => psp.kill()));
  });

  it('share what they learn: a breaker one opened keeps the other away from the PSP', async () => {
    const redisPrefix = `payment-router-test-${randomUUID()}`;
    const options = { rules: [{ name: 'atlas-first', when: {}, prefer: 'atlas' }], redisPrefix };
    const first = await startRouter(pspUrls(psps), options);
    const second = await startRouter(pspUrls(psps), options);
    const pay = async (router: typeof first) =>
      (
        await router.app.inject({
          method: 'POST',
          url: '/v1/payments',
          headers: headers(randomUUID()),
          payload: paymentBody(),
        })
      ).json<PaymentView>();
    try {
      await setPspMode(psps.get('atlas')!, 'outage');
      for (let i = 0; i < 12; i++) await pay(first);
      const skipped = await pay(second);
      expect(skipped.routing.attempts.map((attempt) => attempt.psp)).not.toContain('atlas');
      expect(skipped.routing.reasons).toContain('atlas: circuit open');
      const stats = await second.app.inject({
        method: 'GET',
        url: '/v1/routing',
        headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      });
      const body = stats.json<{ breakers: Record<string, string>; segments: { psp: string }[] }>();
      expect(body.breakers.atlas).toBe('open');
      expect(body.segments.map((row) => row.psp)).toContain('atlas');
    } finally {
      await setPspMode(psps.get('atlas')!, 'healthy');
      await deleteRedisNamespace(redisPrefix);
      await first.close();
      await second.close();
    }
  });
});
