import { STATUS_CODES } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { ServiceApp } from '../src/index.ts';
import { buildItemsApp } from './fixtures/items-app.ts';
import { createLogCapture } from './fixtures/log-capture.ts';

const logs = createLogCapture();
let app: ServiceApp;

beforeAll(async () => {
  app = buildItemsApp({ bodyLimit: 1024, logger: { level: 'info', stream: logs.stream } });
  await app.ready();
});
afterAll(() => app.close());

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: unknown[];
  [extension: string]: unknown;
}

// Every problem response has the same shape, and the app still serves afterwards.
async function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = response.json<ProblemBody>();
  expect(body).toMatchObject({
    type: `urn:scale-models:problem:${code}`,
    title: STATUS_CODES[status],
    status,
    code,
    requestId: response.headers['x-request-id'],
  });
  expect(body.detail).toBeTypeOf('string');
  expect(body.instance).toMatch(/^\//);
  expect(response.body).not.toMatch(/\bstack\b|\n\s+at /);
  expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  return body;
}

describe('problem+json errors', () => {
  it('schema violation: 400 request.invalid listing every invalid field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      payload: { quantity: 0 },
    });
    const body = await expectProblem(response, 400, 'request.invalid');
    expect(body.title).toBe('Bad Request');
    expect(body.instance).toBe('/items');
    expect(body.errors).toHaveLength(2);
    expect(body.errors).toContainEqual({
      in: 'body',
      pointer: '#/name',
      detail: "must have required property 'name'",
    });
    expect(body.errors).toContainEqual({
      in: 'body',
      pointer: '#/quantity',
      detail: 'must be >= 1',
    });
  });

  it('invalid path parameter: 400 request.invalid in params', async () => {
    const body = await expectProblem(
      await app.inject({ url: '/items/ABC' }),
      400,
      'request.invalid',
    );
    expect(body.errors).toEqual([
      { in: 'params', pointer: '#/id', detail: 'must match pattern "^[a-z]+$"' },
    ]);
  });

  it('valid request passes', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'bolt', quantity: 3 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'bolt' });
  });

  it('unknown route: 404 route.not_found', async () => {
    const body = await expectProblem(
      await app.inject({ url: '/nowhere?token=abc' }),
      404,
      'route.not_found',
    );
    expect(body.instance).toBe('/nowhere');
    expect(body.detail).not.toContain('token');
  });

  it('oversize body: 413 request.too_large', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'x'.repeat(2048), quantity: 1 },
    });
    await expectProblem(response, 413, 'request.too_large');
  });

  it('default body limit is 1 MiB', async () => {
    const defaults = buildItemsApp();
    const response = await defaults.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'x'.repeat(1024 * 1024), quantity: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<ProblemBody>().code).toBe('request.too_large');
    await defaults.close();
  });

  it('malformed JSON: 400 request.malformed_json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "bolt", ',
    });
    await expectProblem(response, 400, 'request.malformed_json');
  });

  it('a path that is not valid percent-encoding: 400 request.bad_url', async () => {
    const response = await app.inject({ method: 'GET', url: '/items/%E0%A4%A' });
    await expectProblem(response, 400, 'request.bad_url');
  });

  it('unsupported content type: 415 request.unsupported_media_type', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/xml' },
      payload: '<item/>',
    });
    await expectProblem(response, 415, 'request.unsupported_media_type');
  });

  it('thrown ServiceError: its kind picks the status, its code and details pass through', async () => {
    const notFound = await expectProblem(
      await app.inject({ url: '/items/bolt' }),
      404,
      'item.not_found',
    );
    expect(notFound).toMatchObject({ detail: 'No item bolt.', itemId: 'bolt' });
    await expectProblem(
      await app.inject({ method: 'PUT', url: '/items/bolt' }),
      409,
      'item.version_mismatch',
    );
  });

  it('unexpected throw: 500 internal, generic detail, the error logged server-side', async () => {
    for (const url of ['/boom', '/boom-sync']) {
      const response = await app.inject({ url });
      const body = await expectProblem(response, 500, 'internal');
      expect(body.detail).toBe(
        'An unexpected error occurred; quote the request id when reporting it.',
      );
      expect(response.body).not.toContain('hunter2');
      expect(response.body).not.toContain('secretField');
      const logged = logs.lines.find((line) => line.requestId === body.requestId && 'err' in line);
      expect(logged?.level).toBe(50);
      expect((logged?.err as { stack?: unknown } | undefined)?.stack).toBeTypeOf('string');
    }
  });
});
