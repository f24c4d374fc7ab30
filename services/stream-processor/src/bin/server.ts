import { createKafka, createProducer, ensureTopics } from '@scale-models/kafka';
import { createRedis } from '@scale-models/redis';
import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { openSinkDatabase } from '../adapters/postgres-sink.ts';
import { createQueryManager } from '../adapters/query-manager.ts';
import { buildApp } from '../app.ts';
import { ConfigSchema } from '../config.ts';
import { clickRecorded } from '../contracts.ts';
import { nexmarkTopicSpecs } from '../adapters/nexmark-producer.ts';
import { NEXMARK_PERSONS_TOPIC, NEXMARK_TOPIC } from '../nexmark/catalog.ts';
import { CLICKS_TOPIC, serviceCatalog } from '../streams.ts';

const config = loadConfigOrExit(ConfigSchema);
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS.split(','),
  clientId: 'stream-processor',
});
await ensureTopics(kafka, [
  { topic: CLICKS_TOPIC, partitions: 3 },
  ...nexmarkTopicSpecs({ events: NEXMARK_TOPIC, persons: NEXMARK_PERSONS_TOPIC }, 1),
]);
const redis = createRedis(config.REDIS_URL, {
  name: 'stream-processor',
  keyPrefix: 'stream-processor',
});
const producer = createProducer(kafka, { source: '/stream-processor/ingest' });
const admin = kafka.admin();
await admin.connect();
const pool = config.PG_URL === undefined ? undefined : await openSinkDatabase(config.PG_URL);
const queries = createQueryManager({
  kafka,
  redis: redis.redis,
  catalog: serviceCatalog(),
  plan: {
    allowedLatenessMs: config.ALLOWED_LATENESS_MS,
    outOfOrdernessMs: config.OUT_OF_ORDERNESS_MS,
    idleTimeoutMs: config.IDLE_TIMEOUT_MS,
    tableIdleTimeoutMs: config.TABLE_IDLE_TIMEOUT_MS,
  },
  mode: config.DELIVERY,
  stateDir: config.STATE_DIR,
  repartitionPurgeIntervalMs: config.REPARTITION_PURGE_INTERVAL_MS,
  pool,
});
await queries.redeployAll();

const app = buildApp({
  queries,
  producer,
  clicks: clickRecorded(),
  apiKeys: config.API_KEYS.split(','),
  ready: {
    kafka: async () => void (await admin.describeCluster()),
    redis: redis.ready,
    ...(pool && { postgres: async () => void (await pool.query('SELECT 1')) }),
  },
  logger: { level: config.LOG_LEVEL },
});
await runService(app, {
  port: config.PORT,
  onShutdown: [
    { name: 'queries', close: () => queries.stopAll() },
    { name: 'kafka producer', close: () => producer.disconnect() },
    { name: 'kafka admin', close: () => admin.disconnect() },
    { name: 'redis', close: () => redis.close() },
    ...(pool ? [{ name: 'postgres', close: () => pool.end() }] : []),
  ],
});
