import { describe, expect, it } from 'vitest';
import { buildItemsApp } from './fixtures/items-app.ts';
import { createLogCapture } from './fixtures/log-capture.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('generates an id when none is sent and echoes it', async () => {
    const app = buildItemsApp();
    const first = await app.inject({ url: '/healthz' });
    const second = await app.inject({ url: '/healthz' });
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    await app.close();
  });

  it('honours a sane incoming id, also on errors', async () => {
    const app = buildItemsApp();
    const headers = { 'x-request-id': 'edge-01:abc.123_x' };
    const ok = await app.inject({ url: '/healthz', headers });
    expect(ok.headers['x-request-id']).toBe('edge-01:abc.123_x');
    const missing = await app.inject({ url: '/nowhere', headers });
    expect(missing.headers['x-request-id']).toBe('edge-01:abc.123_x');
    expect(missing.json()).toMatchObject({ requestId: 'edge-01:abc.123_x' });
    await app.close();
  });

  it('replaces an id that is too long or carries odd characters', async () => {
    const app = buildItemsApp();
    for (const id of ['x'.repeat(129), 'a b', '<script>', '"quoted"']) {
      const response = await app.inject({ url: '/healthz', headers: { 'x-request-id': id } });
      expect(response.headers['x-request-id']).toMatch(UUID);
    }
    await app.close();
  });

  it('puts the id in log lines and redacts credentials in logged headers', async () => {
    const logs = createLogCapture();
    const app = buildItemsApp({ logger: { level: 'info', stream: logs.stream } });
    await app.inject({
      url: '/nowhere',
      headers: {
        'x-request-id': 'trace-me-42',
        authorization: 'Bearer top-secret-token',
        cookie: 'session=secret-cookie',
        'x-api-key': 'secret-api-key',
      },
    });
    const lines = logs.lines.filter((line) => line.requestId === 'trace-me-42');
    expect(lines.length).toBeGreaterThan(0);
    const incoming = lines.find((line) => line.msg === 'incoming request');
    expect(incoming).toMatchObject({
      name: 'items',
      req: {
        headers: {
          authorization: '[redacted]',
          cookie: '[redacted]',
          'x-api-key': '[redacted]',
        },
      },
    });
    expect(JSON.stringify(logs.lines)).not.toMatch(/top-secret-token|secret-cookie|secret-api-key/);
    await app.close();
  });
});
