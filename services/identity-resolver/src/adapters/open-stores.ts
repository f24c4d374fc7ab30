import { fileURLToPath } from 'node:url';
import { createKafka, ensureTopics } from '@scale-models/kafka';
import { createPool, ensureDatabase, migrate } from '@scale-models/postgres';
import { createRedis } from '@scale-models/redis';
import type { Config } from '../config.ts';
import { parseMergeLimits, parseTraitRules } from '../config.ts';
import { contractsFor } from '../contracts.ts';
import { createProfileCache } from './profile-cache.ts';
import { createProjector } from './projector.ts';
import type { ResolverSettings } from './resolve-event.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * What both processes open at start: the database (created and migrated), Redis, Kafka
 * topics, a producer and the projector. Entrypoints and tests share it.
 */
export async function openStores(config: Config, clientId: string) {
  await ensureDatabase(config.PG_URL);
  const pool = createPool(config.PG_URL, { applicationName: clientId });
  await migrate(pool, {
    directories: [fileURLToPath(new URL('../../migrations', import.meta.url))],
    outbox: true,
  });
  // Auto-pipelining: the lookups of many concurrent requests leave in one socket write, which
  // was the largest cost of a lookup under load (bench/lookup.ts with --cpu-prof).
  const redis = createRedis(config.REDIS_URL, {
    name: clientId,
    keyPrefix: config.REDIS_PREFIX,
    autoPipelining: true,
  });
  const contracts = contractsFor(config.TOPIC_NAMESPACE);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId });
  await ensureTopics(kafka, [
    // Raw calls carry personal data and cannot be rewritten: kept a week, then gone. Until then
    // the resolver drops those of erased people (suppression).
    {
      topic: contracts.eventReceived.topic,
      partitions: config.EVENT_PARTITIONS,
      config: { 'retention.ms': String(WEEK_MS) },
    },
    // Latest profile per key; an erasure or merge writes a tombstone and compaction forgets it.
    {
      topic: contracts.profileSnapshot.topic,
      partitions: 3,
      config: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(24 * 3600 * 1000) },
    },
    { topic: contracts.segmentEntered.topic, partitions: 3 },
    { topic: contracts.segmentExited.topic, partitions: 3 },
  ]);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const cache = createProfileCache(redis.redis, config.REDIS_PREFIX);
  const projector = createProjector({ pool, cache, producer, contracts });
  const settings: ResolverSettings = {
    limits: parseMergeLimits(config.MERGE_LIMITS),
    traitRules: parseTraitRules(config.TRAIT_RULES, config.SOURCE_PRIORITY),
    defaultCountry: config.DEFAULT_COUNTRY,
    contracts,
  };
  return {
    pool,
    redis,
    kafka,
    producer,
    contracts,
    cache,
    projector,
    settings,
    async close() {
      await projector.stop();
      await producer.disconnect();
      await redis.close();
      await pool.end();
    },
  };
}

export type Stores = Awaited<ReturnType<typeof openStores>>;
