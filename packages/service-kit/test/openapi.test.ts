import { describe, expect, it } from 'vitest';
import { buildItemsApp } from './fixtures/items-app.ts';

describe('OpenAPI', () => {
  it('/docs/json describes the routes from their TypeBox schemas', async () => {
    const app = buildItemsApp();
    const response = await app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{
      openapi: string;
      info: unknown;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info).toEqual({ title: 'items', version: '1.2.3' });
    expect(document.paths['/items']?.post?.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['name', 'quantity'],
            properties: { quantity: { type: 'integer', minimum: 1 } },
          },
        },
      },
    });
    expect(document.paths).toHaveProperty(['/readyz', 'get']);
    await app.close();
  });

  it('/docs serves Swagger UI', async () => {
    const app = buildItemsApp();
    const response = await app.inject({ url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    await app.close();
  });
});
