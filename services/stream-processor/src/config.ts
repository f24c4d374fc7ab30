import { Type } from '@scale-models/service-kit';
import type { Static } from '@scale-models/service-kit';
import { DEFAULT_REPARTITION_PURGE_INTERVAL_MS } from './adapters/purge-repartition-topic.ts';
import { DEFAULT_TABLE_IDLE_TIMEOUT_MS } from './domain/table-join-operator.ts';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 7500, minimum: 0, maximum: 65535 }),
  KAFKA_BROKERS: Type.String({ description: 'comma-separated host:port' }),
  REDIS_URL: Type.String({
    description: 'live query results (pull queries) and the query registry',
  }),
  PG_URL: Type.Optional(
    Type.String({
      description: 'PostgreSQL sink of query results (optional); its database is created',
    }),
  ),
  STATE_DIR: Type.String({
    default: '.state/stream-processor',
    description: 'LMDB files of the local tasks',
  }),
  API_KEYS: Type.String({
    minLength: 16,
    description: 'comma-separated keys accepted in x-api-key for writes',
  }),
  DELIVERY: Type.Union([Type.Literal('exactly-once'), Type.Literal('at-least-once')], {
    default: 'exactly-once',
  }),
  ALLOWED_LATENESS_MS: Type.Integer({ default: 5_000, minimum: 0 }),
  OUT_OF_ORDERNESS_MS: Type.Integer({ default: 2_000, minimum: 0 }),
  IDLE_TIMEOUT_MS: Type.Integer({
    default: 30_000,
    minimum: 1,
    description: 'an input partition silent this long stops holding the watermark back',
  }),
  TABLE_IDLE_TIMEOUT_MS: Type.Integer({
    default: DEFAULT_TABLE_IDLE_TIMEOUT_MS,
    minimum: 0,
    description: "how long a join's events wait at most for a table that sends no rows",
  }),
  REPARTITION_PURGE_INTERVAL_MS: Type.Integer({
    default: DEFAULT_REPARTITION_PURGE_INTERVAL_MS,
    minimum: 1,
    description: 'how often records of repartition topics that their stage consumed are deleted',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;
