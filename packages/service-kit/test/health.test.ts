import { describe, expect, it } from 'vitest';
import { markDraining } from '../src/draining.ts';
import { buildItemsApp } from './fixtures/items-app.ts';

const up = async () => {};
const down = () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:5432'));
const never = () => new Promise<void>(() => {});

describe('/healthz and /readyz', () => {
  it('/healthz answers 200 while the process runs', async () => {
    const app = buildItemsApp({ readiness: { postgres: down } });
    const response = await app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await app.close();
  });

  it('/readyz answers 200 with each dependency up', async () => {
    const app = buildItemsApp({ readiness: { postgres: up, kafka: up } });
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ready',
      dependencies: { postgres: { status: 'up' }, kafka: { status: 'up' } },
    });
    await app.close();
  });

  it('/readyz answers 503 naming the failing dependency', async () => {
    const app = buildItemsApp({ readiness: { postgres: down, kafka: up } });
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not-ready',
      dependencies: { postgres: { status: 'down', reason: 'error' }, kafka: { status: 'up' } },
    });
    expect(response.body).not.toContain('ECONNREFUSED');
    await app.close();
  });

  it('/readyz times out a hanging check and reports it', async () => {
    const app = buildItemsApp({ readiness: { redis: never, kafka: up }, readinessTimeoutMs: 100 });
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'not-ready',
      dependencies: { redis: { status: 'down', reason: 'timeout' }, kafka: { status: 'up' } },
    });
    await app.close();
  });

  it('/readyz answers 503 once shutdown has begun, while /healthz stays 200', async () => {
    const app = buildItemsApp({ readiness: { postgres: up } });
    await app.ready();
    markDraining(app);
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'draining', dependencies: {} });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
