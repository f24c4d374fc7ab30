import { featureValuesPushed } from './contracts.ts';
import { Type } from '@scale-models/service-kit';
import type { Static } from '@scale-models/service-kit';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 7100, minimum: 0, maximum: 65535 }),
  GRPC_PORT: Type.Integer({ default: 7101, minimum: 0, maximum: 65535 }),
  PG_URL: Type.String({ description: 'PostgreSQL: registry, offline store, model registry' }),
  REDIS_URL: Type.String({ description: 'Redis: the online store' }),
  REDIS_PREFIX: Type.String({
    default: 'feature-store',
    pattern: '^feature-store(:[A-Za-z0-9_.-]+)*$',
  }),
  KAFKA_BROKERS: Type.String({
    default: '',
    description: 'comma-separated; empty turns the push consumer off',
  }),
  PUSH_TOPIC: Type.String({
    default: featureValuesPushed.topic,
    description: 'the Kafka topic of pushed feature values',
  }),
  PUSH_GROUP_ID: Type.String({ default: 'feature-store.push' }),
  API_KEYS: Type.String({
    minLength: 8,
    description:
      'comma-separated keys accepted in x-api-key (HTTP) or x-api-key metadata (gRPC) on every route but health probes and docs',
  }),
  ARTIFACTS: Type.String({
    default: '.infra/feature-store/artifacts',
    description: 'a folder, or s3://bucket/prefix/ (then S3_ENDPOINT and the S3 keys)',
  }),
  S3_ENDPOINT: Type.String({ default: 'http://127.0.0.1:7200' }),
  S3_ACCESS_KEY_ID: Type.String({ default: '' }),
  S3_SECRET_ACCESS_KEY: Type.String({ default: '' }),
  MAX_BATCH_SIZE: Type.Integer({ default: 64, minimum: 1, maximum: 4096 }),
  MAX_QUEUE_DELAY_MS: Type.Number({ default: 2, minimum: 0, maximum: 1000 }),
  MODEL_CONCURRENCY: Type.Integer({ default: 2, minimum: 1, maximum: 64 }),
  MATERIALIZE_INTERVAL_MS: Type.Integer({
    default: 0,
    minimum: 0,
    description: '0: no scheduled materialization',
  }),
  MATERIALIZE_BATCH_SIZE: Type.Integer({ default: 1000, minimum: 1 }),
  REFRESH_MS: Type.Integer({ default: 2000, minimum: 50, description: 'registry and alias poll' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;
