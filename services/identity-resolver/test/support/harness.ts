import { loadConfig } from '@scale-models/service-kit';
import { createTestDatabase, kafka, redis, uniqueName } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import { openStores } from '../../src/adapters/open-stores.ts';
import type { Stores } from '../../src/adapters/open-stores.ts';
import { startResolver } from '../../src/adapters/start-resolver.ts';
import { IngestStats } from '../../src/api/ingest-stats.ts';
import { appFromStores } from '../../src/app-from-stores.ts';
import { ConfigSchema } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import type { ServiceApp } from '@scale-models/service-kit';

export const WRITE_KEY = 'wk_web_test';
export const APP_WRITE_KEY = 'wk_app_test';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Harness {
  config: Config;
  env: Record<string, string>;
  stores: Stores;
  app: ServiceApp;
  stats: IngestStats;
  admin: { authorization: string };
  startResolver(): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * One isolated miniature per test file: its own database, Redis key prefix under
 * `identity-resolver:`, topic namespace and consumer group, on the shared servers.
 */
export async function createHarness(overrides: Record<string, string> = {}): Promise<Harness> {
  const database: TestDatabase = await createTestDatabase('identity_resolver');
  const name = uniqueName('ir').replaceAll('_', '-');
  const env = {
    PG_URL: database.url,
    REDIS_URL: (await redis()).url,
    KAFKA_BROKERS: (await kafka()).brokers.join(','),
    WRITE_KEYS: `web=${WRITE_KEY},app=${APP_WRITE_KEY}`,
    ADMIN_TOKEN,
    TOPIC_NAMESPACE: `identity-resolver-${name}`,
    REDIS_PREFIX: `identity-resolver:${name}`,
    CONSUMER_GROUP: `identity-resolver-${name}`,
    EVENT_PARTITIONS: '6',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const config = loadConfig(ConfigSchema, env);
  const stores = await openStores(config, `test-${name}`);
  const stats = new IngestStats();
  const app = appFromStores(stores, config, stats, { level: 'silent' });
  const running: { stop(): Promise<void> }[] = [];
  return {
    config,
    env,
    stores,
    app,
    stats,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async startResolver() {
      const resolver = await startResolver(stores, {
        groupId: config.CONSUMER_GROUP,
        sweepIntervalMs: 200,
        segmentClockMs: 200,
        partitionsConcurrently: config.RESOLVER_CONCURRENCY,
      });
      running.push(resolver);
      return resolver;
    },
    async close() {
      for (const resolver of running) await resolver.stop();
      await app.close();
      await stores.redis.redis.eval(
        "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end",
        0,
        `${config.REDIS_PREFIX}:*`,
      );
      await stores.close();
      await deleteTopics(stores);
      await database.drop();
    },
  };
}

async function deleteTopics(stores: Stores): Promise<void> {
  const admin = stores.kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((topic) =>
      topic.startsWith(stores.contracts.eventReceived.topic.split('.')[0]!),
    );
    await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}
