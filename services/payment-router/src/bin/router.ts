import { createKafka, ensureTopics } from '@scale-models/kafka';
import { createOutboxRelay } from '@scale-models/postgres';
import { createRedis } from '@scale-models/redis';
import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { createLogger } from '@scale-models/telemetry';
import { sha256 } from '../api/authenticate.ts';
import { buildApp } from '../app.ts';
import { parsePairs, RouterConfigSchema } from '../config.ts';
import { paymentEvents } from '../contracts.ts';
import type { RoutingRule } from '../domain/routing/routing-rules.ts';
import { createPaymentDeps } from '../payments/create-payment-deps.ts';
import { startRecovery } from '../payments/recovery.ts';

const config = loadConfigOrExit(RouterConfigSchema);
const logger = createLogger({ name: 'payment-router', level: config.LOG_LEVEL });
const redisHandle = createRedis(config.REDIS_URL, {
  name: 'payment-router',
  keyPrefix: config.REDIS_KEY_PREFIX,
});
const deps = await createPaymentDeps({
  pgUrl: config.PG_URL,
  redis: redisHandle.redis,
  pspUrls: parsePairs(config.PSP_URLS, '='),
  merchantKeys: parsePairs(config.MERCHANT_KEYS, ':'),
  vaultKey: config.VAULT_KEY,
  strategy: config.ROUTING_STRATEGY,
  rules: JSON.parse(config.ROUTING_RULES) as RoutingRule[],
  pspTimeoutMs: config.PSP_TIMEOUT_MS,
  leaseMs: config.LEASE_MS,
  groupCommit: { maxBatch: config.GROUP_COMMIT_MAX, maxWaitMs: config.GROUP_COMMIT_WAIT_MS },
  ...(config.CRASH_AT === undefined ? {} : { crashAt: config.CRASH_AT }),
});

const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'payment-router' });
await ensureTopics(
  kafka,
  Object.values(paymentEvents).map((contract) => ({ topic: contract.topic, partitions: 3 })),
);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const relay = createOutboxRelay({ pool: deps.pool, producer });
relay.start();
const recovery = startRecovery(deps, config.RECOVERY_INTERVAL_MS, (error) =>
  logger.error({ err: error }, 'recovery failed'),
);
const purge = setInterval(
  () =>
    void deps.idempotency
      .purgeExpired()
      .catch((error: unknown) => logger.error({ err: error }, 'purge failed')),
  3_600_000,
);

const app = buildApp({
  ...deps,
  operatorKeySha256: sha256(config.OPERATOR_KEY),
  redisReady: () => redisHandle.ready(),
  logger: { level: config.LOG_LEVEL },
});
await runService(app, {
  port: config.PORT,
  onShutdown: [
    {
      name: 'recovery',
      close: () => {
        clearInterval(purge);
        return recovery.stop();
      },
    },
    { name: 'outbox relay', close: () => relay.stop() },
    { name: 'kafka producer', close: () => producer.disconnect() },
    {
      name: 'psp clients',
      close: async () => {
        await Promise.all([...deps.psps.values()].map((psp) => psp.close()));
      },
    },
    { name: 'postgres', close: () => deps.pool.end() },
    { name: 'redis', close: () => redisHandle.close() },
  ],
});
