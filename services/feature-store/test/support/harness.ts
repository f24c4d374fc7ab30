import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Metadata } from '@grpc/grpc-js';
import type pg from 'pg';
import { createPool, migrate } from '@scale-models/postgres';
import { createRedis, deleteNamespace } from '@scale-models/redis';
import type { RedisHandle } from '@scale-models/redis';
import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import { createTestDatabase, redis as redisServer, uniqueName } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import { createFolderArtifactStore } from '../../src/adapters/artifact-store.ts';
import type { ArtifactStore } from '../../src/adapters/artifact-store.ts';
import { buildApp } from '../../src/app.ts';
import { createFeatureStore } from '../../src/feature-store.ts';
import type { FeatureStore } from '../../src/feature-store.ts';
import type { BatchingConfig } from '../../src/serving/model-server.ts';

export const API_KEY = 'test-api-key-123';
export const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface Harness {
  app: ServiceApp;
  store: FeatureStore;
  pool: pg.Pool;
  database: TestDatabase;
  redis: RedisHandle;
  /** This file's Redis key prefix (`feature-store:test_…`). */
  prefix: string;
  redisUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** A private Redis for tests that flush it; the shared one (own prefix) otherwise. */
  redisUrl?: string;
  batching?: BatchingConfig;
  artifacts?: ArtifactStore;
  /** A registry spec applied before the harness is handed out (most files start from one). */
  registry?: object;
  /** The app's logger; silent by default. */
  logger?: LoggerOptions;
}

/** A whole feature store for one test file: its own database, Redis prefix and artifact folder. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase('feature_store');
  const pool = createPool(database.url, { applicationName: 'feature-store-test' });
  await migrate(pool, { directories: [MIGRATIONS] });
  const redisUrl = options.redisUrl ?? (await redisServer()).url;
  const prefix = `feature-store:${uniqueName('test')}`;
  const redis = createRedis(redisUrl, { name: 'feature-store-test', keyPrefix: prefix });
  const folder = await mkdtemp(join(tmpdir(), 'feature-store-artifacts-'));
  const store = await createFeatureStore({
    pool,
    redis: redis.redis,
    artifacts: options.artifacts ?? createFolderArtifactStore(folder),
    apiKeys: [API_KEY],
    batching: options.batching ?? { maxBatchSize: 32, maxQueueDelayMs: 2, maxConcurrency: 2 },
    refreshMs: 60_000,
    materializeBatchSize: 100,
  });
  const app = buildApp({
    ...store,
    redisReady: redis.ready,
    logger: options.logger ?? { level: 'silent' },
  });
  await app.ready();
  if (options.registry !== undefined) await applyRegistry(app, options.registry);
  return {
    app,
    store,
    pool,
    database,
    redis,
    prefix,
    redisUrl,
    async close() {
      await app.close();
      store.stop();
      // This file's keys only: the shared Redis is never flushed.
      await deleteNamespace(redis.redis, prefix);
      await redis.close();
      await pool.end();
      await database.drop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function applyRegistry(app: ServiceApp, spec: object): Promise<void> {
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/apply',
    headers: authHeaders,
    payload: spec,
  });
  if (reply.statusCode !== 200) throw new Error(`apply failed: ${reply.statusCode} ${reply.body}`);
}

export const authHeaders = { 'x-api-key': API_KEY };

/** A training set's rows as the API streams them: NDJSON, one row per line. */
export async function trainingSetNdjson(app: ServiceApp, id: string): Promise<string> {
  const reply = await app.inject({
    url: `/v1/training-sets/${id}/rows`,
    headers: { ...authHeaders, accept: 'application/x-ndjson' },
  });
  return reply.body;
}

/** A training set's rows, parsed. */
export async function trainingSetRows(
  app: ServiceApp,
  id: string,
): Promise<Record<string, unknown>[]> {
  return (await trainingSetNdjson(app, id))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The API key as gRPC metadata. */
export function authMetadata(): Metadata {
  const metadata = new Metadata();
  metadata.set('x-api-key', API_KEY);
  return metadata;
}
