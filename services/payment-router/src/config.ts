import { Type } from '@scale-models/service-kit';
import type { Static } from '@scale-models/service-kit';
import { GROUP_COMMIT_DEFAULTS } from './payments/batcher.ts';

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
    Type.Literal(level),
  ),
  { default: 'info' },
);

export const PspSimulatorConfigSchema = Type.Object({
  PSP_NAME: Type.Union([Type.Literal('atlas'), Type.Literal('borealis'), Type.Literal('cygnus')]),
  PORT: Type.Integer({ default: 7801, minimum: 0, maximum: 65535 }),
  SEED: Type.Optional(
    Type.Integer({ description: 'seed of the outcome generator; random when unset' }),
  ),
  LATENCY_SCALE: Type.Number({ default: 1, minimum: 0, description: '0.1 = ten times faster' }),
  LATE_ANSWER_MS: Type.Integer({ default: 10_000, minimum: 0 }),
  LOG_LEVEL: LogLevel,
});

export const RouterConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 7800, minimum: 0, maximum: 65535 }),
  PG_URL: Type.String({ description: 'PostgreSQL: payments, vault, ledger, outbox' }),
  REDIS_URL: Type.String({ description: 'Redis: fraud velocity windows' }),
  REDIS_KEY_PREFIX: Type.String({
    default: 'payment-router',
    minLength: 1,
    description:
      'namespace of the routing memory and velocity windows; routers sharing it learn together',
  }),
  KAFKA_BROKERS: Type.String({ description: 'comma-separated host:port; payment events go here' }),
  PSP_URLS: Type.String({
    pattern: '^[a-z]+=https?://[^,=]+(,[a-z]+=https?://[^,=]+)*$',
    description: 'comma-separated <psp>=<url>, e.g. atlas=http://127.0.0.1:7801',
  }),
  MERCHANT_KEYS: Type.String({
    pattern: '^[a-z0-9_-]{2,40}:[A-Za-z0-9_]{16,}(,[a-z0-9_-]{2,40}:[A-Za-z0-9_]{16,})*$',
    description: 'comma-separated <merchant-id>:<api-key>',
  }),
  OPERATOR_KEY: Type.String({ minLength: 16, description: 'bearer key of the operator endpoints' }),
  VAULT_KEY: Type.String({
    pattern: '^[0-9a-f]{64}$',
    description: '32 bytes of hex: AES-256-GCM key of the card vault',
  }),
  ROUTING_STRATEGY: Type.Union([Type.Literal('success_rate'), Type.Literal('static')], {
    default: 'success_rate',
  }),
  ROUTING_RULES: Type.String({ default: '[]', description: 'JSON array of routing rules' }),
  PSP_TIMEOUT_MS: Type.Integer({ default: 2_000, minimum: 10 }),
  RECOVERY_INTERVAL_MS: Type.Integer({ default: 5_000, minimum: 50 }),
  LEASE_MS: Type.Integer({
    default: 15_000,
    minimum: 100,
    description: 'how long a request owns a payment',
  }),
  GROUP_COMMIT_MAX: Type.Integer({
    default: GROUP_COMMIT_DEFAULTS.maxBatch,
    minimum: 1,
    description:
      'group commit: most key claims, begin steps, finish steps or key completions in one statement (1: each commits alone)',
  }),
  GROUP_COMMIT_WAIT_MS: Type.Integer({
    default: GROUP_COMMIT_DEFAULTS.maxWaitMs,
    minimum: 0,
    description: 'group commit: how long an idle batcher waits for company',
  }),
  CRASH_AT: Type.Optional(
    Type.Literal('after_psp_approval', { description: 'test only: SIGKILL self at this point' }),
  ),
  LOG_LEVEL: LogLevel,
});

export type RouterConfig = Static<typeof RouterConfigSchema>;

/** `a=x,b=y` into a map; the patterns above already checked the shape. */
export function parsePairs(value: string, separator: '=' | ':'): Map<string, string> {
  return new Map(
    value.split(',').map((entry) => {
      const at = entry.indexOf(separator);
      return [entry.slice(0, at), entry.slice(at + 1)] as [string, string];
    }),
  );
}
