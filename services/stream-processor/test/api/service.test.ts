import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProducer, ensureTopics } from '@scale-models/kafka';
import { createRedis } from '@scale-models/redis';
import type { RedisHandle } from '@scale-models/redis';
import type { ServiceApp } from '@scale-models/service-kit';
import {
  createTestDatabase,
  eventually,
  redis as redisServer,
  uniqueName,
} from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import type pg from 'pg';
import type { Kafka } from 'kafkajs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSinkDatabase } from '../../src/adapters/postgres-sink.ts';
import { createQueryManager } from '../../src/adapters/query-manager.ts';
import type { QueryManager } from '../../src/adapters/query-manager.ts';
import { buildApp } from '../../src/app.ts';
import { clickRecorded } from '../../src/contracts.ts';
import { serviceCatalog } from '../../src/streams.ts';
import { testKafka } from '../support/kafka.ts';

const API_KEY = 'test-key-0123456789abcdef';
const BASE = 1_700_000_000_000;

let kafka: Kafka;
let redis: RedisHandle;
let queries: QueryManager;
let app: ServiceApp;
let producer: ReturnType<typeof createProducer>;
let url: string;
let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  ({ kafka } = await testKafka());
  database = await createTestDatabase('sp_api');
  pool = await openSinkDatabase(database.url);
  const clicks = uniqueName('sp_api_clicks');
  await ensureTopics(kafka, [{ topic: clicks, partitions: 2 }]);
  // A key prefix of its own: this file never touches anyone else's Redis keys.
  redis = createRedis((await redisServer()).url, {
    keyPrefix: uniqueName('stream-processor:test'),
  });
  queries = createQueryManager({
    kafka,
    redis: redis.redis,
    catalog: serviceCatalog({ clicks }),
    plan: { allowedLatenessMs: 0, outOfOrdernessMs: 0, idleTimeoutMs: 1e12 },
    mode: 'exactly-once',
    stateDir: mkdtempSync(join(tmpdir(), 'sp-api-')),
    pool,
  });
  producer = createProducer(kafka, { source: '/stream-processor/test' });
  app = buildApp({
    queries,
    producer,
    clicks: clickRecorded(clicks),
    apiKeys: [API_KEY],
    ready: { kafka: () => Promise.resolve(), redis: redis.ready },
    logger: { level: 'warn' },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await queries.stopAll();
  await producer.disconnect();
  await redis.close();
  await pool.end();
  await database.drop();
});

const deploy = (sql: string, apiKey = API_KEY) =>
  app.inject({
    method: 'POST',
    url: '/queries',
    headers: { 'x-api-key': apiKey },
    payload: { sql },
  });
const sendClicks = (clicks: { user: string; amount: number; ts: number }[]) =>
  app.inject({
    method: 'POST',
    url: '/streams/clicks/events',
    headers: { 'x-api-key': API_KEY },
    payload: clicks.map((click) => ({ page: '/', country: 'NL', ...click })),
  });

describe('the query API', () => {
  it('refuses writes without an API key', async () => {
    const response = await deploy('CREATE STREAM x AS SELECT user FROM clicks', 'wrong');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'auth.api_key' });
  });

  it('refuses bad SQL with a position, and deploys nothing', async () => {
    const name = uniqueName('bad');
    const response = await deploy(
      `CREATE STREAM ${name} AS\nSELECT user, COUNT(*)\nFROM clicks\nGROUP BY user`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'sql.unbounded_aggregation',
      line: 4,
      column: 10,
    });
    expect((await app.inject({ method: 'GET', url: `/queries/${name}` })).statusCode).toBe(404);
    const syntax = await deploy(`CREATE STREAM ${name} AS SELEC user FROM clicks`);
    expect(syntax.json()).toMatchObject({
      code: 'sql.syntax',
      line: 1,
      column: `CREATE STREAM ${name} AS `.length + 1,
    });
  });

  it('registers a table from its own topic; refuses a bad or duplicate one', async () => {
    const name = uniqueName('pages');
    const register = (sql: string) =>
      app.inject({
        method: 'POST',
        url: '/tables',
        headers: { 'x-api-key': API_KEY },
        payload: { sql },
      });
    const sql = `CREATE TABLE ${name} (page STRING PRIMARY KEY, title STRING) WITH (topic = 'pages')`;
    const created = await register(sql);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      name,
      topic: 'pages',
      key: 'page',
      columns: { page: 'string', title: 'string' },
    });
    const listed = await app.inject({ method: 'GET', url: '/tables' });
    expect(listed.json()).toContainEqual(created.json());
    expect((await register(sql)).json()).toMatchObject({ code: 'table.exists' });
    const keyless = await register(`CREATE TABLE ${name}_2 (page STRING) WITH (topic = 'pages')`);
    expect(keyless.statusCode).toBe(400);
    expect(keyless.json()).toMatchObject({ code: 'sql.table_key', line: 1, column: 1 });
  });

  it('refuses a pull from PostgreSQL when the service runs without a sink', async () => {
    const clicks = uniqueName('sp_api_nosink');
    await ensureTopics(kafka, [{ topic: clicks, partitions: 1 }]);
    const withoutSink = createQueryManager({
      kafka,
      redis: redis.redis,
      catalog: serviceCatalog({ clicks }),
      plan: { allowedLatenessMs: 0, outOfOrdernessMs: 0, idleTimeoutMs: 1e12 },
      mode: 'exactly-once',
      stateDir: mkdtempSync(join(tmpdir(), 'sp-api-')),
    });
    const bare = buildApp({
      queries: withoutSink,
      producer,
      clicks: clickRecorded(),
      apiKeys: [API_KEY],
      ready: { kafka: () => Promise.resolve(), redis: redis.ready },
      logger: { level: 'warn' },
    });
    try {
      const name = uniqueName('nosink');
      const created = await bare.inject({
        method: 'POST',
        url: '/queries',
        headers: { 'x-api-key': API_KEY },
        payload: { sql: `CREATE STREAM ${name} AS SELECT user FROM clicks` },
      });
      expect(created.statusCode).toBe(201);
      const pulled = await bare.inject({ url: `/queries/${name}/results?store=postgres` });
      expect(pulled.statusCode).toBe(400);
      expect(pulled.json()).toMatchObject({ code: 'results.no_postgres_sink' });
    } finally {
      await bare.close();
      await withoutSink.stopAll();
    }
  });

  it('refuses invalid clicks before they reach Kafka', async () => {
    const response = await sendClicks([{ user: '', amount: 1, ts: -5 }]);
    expect(response.statusCode).toBe(400);
  });

  it('serves a deployed query: pull results, SSE changes, and a dashboard a real browser sees change', async () => {
    const name = uniqueName('spend');
    const created = await deploy(
      `CREATE STREAM ${name} AS
       SELECT user, COUNT(*) AS clicks, SUM(amount) AS spent, window_start
       FROM clicks GROUP BY user, TUMBLE(ts, INTERVAL '1' MINUTE) EMIT CHANGES`,
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name,
      columns: ['user', 'clicks', 'spent', 'window_start'],
    });
    expect((await deploy(`CREATE STREAM ${name} AS SELECT user FROM clicks`)).statusCode).toBe(409);

    const user = uniqueName('ann');
    expect((await sendClicks([{ user, amount: 5, ts: BASE }])).statusCode).toBe(202);
    const pulled = async () => {
      const response = await app.inject({ method: 'GET', url: `/queries/${name}/results` });
      return response
        .json<{ rows: { row: Record<string, unknown> }[] }>()
        .rows.find((r) => r.row.user === user)?.row;
    };
    await eventually(async () => expect(await pulled()).toMatchObject({ clicks: 1, spent: 5 }), {
      timeoutMs: 45_000,
    });

    const browser = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), 'sp-chromium-')),
      {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    );
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/dashboard?query=${name}`);
      const clicksCell = page.locator('tr', { hasText: user }).locator('td[data-column="clicks"]');
      await clicksCell.waitFor({ timeout: 30_000 });
      expect(await clicksCell.textContent()).toBe('1');
      await page.getByText('live:').waitFor({ timeout: 30_000 });
      // A second click in the same window: the dashboard shows the window's new count, pushed.
      await sendClicks([{ user, amount: 7, ts: BASE + 1_000 }]);
      await eventually(async () => expect(await clicksCell.textContent()).toBe('2'), {
        timeoutMs: 45_000,
      });
      expect(
        await page
          .locator('tr', { hasText: user })
          .locator('td[data-column="spent"]')
          .textContent(),
      ).toBe('12');
    } finally {
      await browser.close();
    }
    expect(await pulled()).toMatchObject({ clicks: 2, spent: 12 });
    // The same pull query served from the PostgreSQL sink.
    const fromPostgres = async () => {
      const response = await app.inject({
        method: 'GET',
        url: `/queries/${name}/results?store=postgres`,
      });
      return response
        .json<{ rows: { row: Record<string, unknown> }[] }>()
        .rows.find((r) => r.row.user === user)?.row;
    };
    await eventually(
      async () => expect(await fromPostgres()).toMatchObject({ clicks: 2, spent: 12 }),
      { timeoutMs: 30_000 },
    );
    const unknownStore = await app.inject({
      method: 'GET',
      url: `/queries/${name}/results?store=mysql`,
    });
    expect(unknownStore.statusCode).toBe(400);

    const removed = await app.inject({
      method: 'DELETE',
      url: `/queries/${name}`,
      headers: { 'x-api-key': API_KEY },
    });
    expect(removed.statusCode).toBe(204);
  });
});
