import { randomUUID } from 'node:crypto';
import { createRedis, deleteNamespace } from '@scale-models/redis';
import type { ServiceApp } from '@scale-models/service-kit';
import { createTestDatabase, redis as redisServer } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import type { PaymentDeps } from '../../src/payments/payment-deps.ts';
import { sha256 } from '../../src/api/authenticate.ts';
import { buildApp } from '../../src/app.ts';
import { parsePairs } from '../../src/config.ts';
import type { RoutingRule } from '../../src/domain/routing/routing-rules.ts';
import { createPaymentDeps } from '../../src/payments/create-payment-deps.ts';

export const MERCHANT_KEYS = 'shop:sk_test_shop_0123456789,books:sk_test_books_0123456789';
export const SHOP_KEY = 'sk_test_shop_0123456789';
export const BOOKS_KEY = 'sk_test_books_0123456789';
export const OPERATOR_KEY = 'operator-key-0123456789';
export const VAULT_KEY = 'a1'.repeat(32);

export interface Router {
  app: ServiceApp;
  deps: PaymentDeps;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The router in process (app.inject), on a database of its own, against running PSP processes. */
export async function startRouter(
  pspUrlList: string,
  options: {
    rules?: RoutingRule[];
    pspTimeoutMs?: number;
    leaseMs?: number;
    /** Routers given the same prefix share their Redis state (routing memory, velocity). */
    redisPrefix?: string;
  } = {},
): Promise<Router> {
  const database = await createTestDatabase('payment_router');
  const { url } = await redisServer();
  const namespace = options.redisPrefix ?? `payment-router-test-${randomUUID()}`;
  const redis = createRedis(url, { name: 'payment-router-test', keyPrefix: namespace });
  const deps = await createPaymentDeps({
    pgUrl: database.url,
    redis: redis.redis,
    pspUrls: parsePairs(pspUrlList, '='),
    merchantKeys: parsePairs(MERCHANT_KEYS, ':'),
    vaultKey: VAULT_KEY,
    strategy: 'success_rate',
    rules: options.rules ?? [],
    pspTimeoutMs: options.pspTimeoutMs ?? 2_000,
    leaseMs: options.leaseMs ?? 15_000,
  });
  const app = buildApp({
    ...deps,
    operatorKeySha256: sha256(OPERATOR_KEY),
    redisReady: redis.ready,
    logger: { level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' },
  });
  await app.ready();
  return {
    app,
    deps,
    database,
    async close() {
      await app.close();
      await Promise.all([...deps.psps.values()].map((psp) => psp.close()));
      await deps.pool.end();
      // A shared prefix is the caller's to clean up.
      if (options.redisPrefix === undefined) await deleteNamespace(redis.redis, namespace);
      await redis.close();
      await database.drop();
    },
  };
}

/** Deletes a Redis namespace that processes of a test or benchmark wrote under. */
export async function deleteRedisNamespace(namespace: string): Promise<void> {
  const handle = createRedis((await redisServer()).url);
  try {
    await deleteNamespace(handle.redis, namespace);
  } finally {
    await handle.close();
  }
}

export function headers(key: string | undefined, apiKey = SHOP_KEY): Record<string, string> {
  return {
    authorization: `Bearer ${apiKey}`,
    ...(key === undefined ? {} : { 'idempotency-key': key }),
  };
}
