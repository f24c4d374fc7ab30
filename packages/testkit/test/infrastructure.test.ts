import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  InfrastructureUnavailableError,
  kafka,
  mqtt,
  postgres,
  redis,
} from '../src/index.ts';

describe('with no server in the environment and no Docker engine', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['PG_URL', postgres],
    ['REDIS_URL', redis],
    ['KAFKA_BROKERS', kafka],
    ['MQTT_URL', mqtt],
  ] as const)(
    '%s: fails at once and says how to start infrastructure',
    async (variable, server) => {
      delete process.env[variable];
      process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
      const started = Date.now();
      const failure = server();
      await expect(failure).rejects.toBeInstanceOf(InfrastructureUnavailableError);
      await expect(failure).rejects.toThrow(/scripts\/infra\/up/);
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );
});

describe('createTestDatabase', () => {
  it('creates an empty database of its own and drops it', async () => {
    const database = await createTestDatabase('testkit');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    await client.end();
    expect(rows[0]?.name).toBe(database.name);

    await database.drop();
    const admin = new pg.Client({ connectionString: (await postgres()).url });
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
