import { Type } from '@scale-models/service-kit';
import type { Static } from '@scale-models/service-kit';
import {
  DEFAULT_LIMITS,
  IDENTIFIER_TYPES,
  isIdentifierType,
} from './domain/identifiers/identifier.ts';
import type { MergeLimits } from './domain/identifiers/identifier.ts';
import type { ConflictRule, TraitRules } from './domain/profile/resolve-traits.ts';

const LIST = '^[A-Za-z0-9_.-]+=[^,=]+(,[A-Za-z0-9_.-]+=[^,=]+)*$';

/** One environment for both processes (api and resolver): they share database, Redis, topics. */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 8000, minimum: 0, maximum: 65535 }),
  PG_URL: Type.String({ description: 'PostgreSQL URL of the identity_resolver database' }),
  REDIS_URL: Type.String(),
  KAFKA_BROKERS: Type.String({ description: 'comma-separated host:port' }),
  WRITE_KEYS: Type.String({
    pattern: LIST,
    description: 'comma-separated <source>=<write key>; the write key is the Basic auth user',
  }),
  ADMIN_TOKEN: Type.String({
    minLength: 16,
    description: 'bearer token of the profile, consent, erasure, import and segment APIs',
  }),
  SOURCE_PRIORITY: Type.String({
    default: 'crm-import',
    description: 'sources most trusted first, for source_priority traits',
  }),
  TRAIT_RULES: Type.String({
    default: 'first_name=source_priority,last_name=source_priority,signup_date=first_seen',
    description:
      'comma-separated <trait>=most_recent|first_seen|source_priority; others are most_recent',
  }),
  MERGE_LIMITS: Type.String({ default: '', description: 'overrides, e.g. user_id=1,email=3' }),
  DEFAULT_COUNTRY: Type.String({
    default: 'US',
    pattern: '^[A-Z]{2}$',
    description: 'for phone numbers without +CC',
  }),
  TOPIC_NAMESPACE: Type.String({ default: 'identity-resolver' }),
  REDIS_PREFIX: Type.String({
    default: 'identity-resolver',
    pattern: '^identity-resolver(:[A-Za-z0-9_-]+)?$',
  }),
  EVENT_PARTITIONS: Type.Integer({ default: 6, minimum: 1 }),
  CONSUMER_GROUP: Type.String({ default: 'identity-resolver' }),
  // An event waits on round trips (PostgreSQL, Redis, Kafka acks) more than on CPU: every
  // partition in parallel is 1.5x the throughput of half of them (README, Benchmarks).
  RESOLVER_CONCURRENCY: Type.Integer({
    default: 6,
    minimum: 1,
    description: 'event partitions applied in parallel (identifier locks keep a person serial)',
  }),
  PROJECTION_SWEEP_MS: Type.Integer({ default: 2_000, minimum: 50 }),
  SEGMENT_CLOCK_MS: Type.Integer({
    default: 1_000,
    minimum: 50,
    description: 'how often due segment windows are re-evaluated: the lateness of a window exit',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;

function pairs(value: string): [string, string][] {
  if (value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const at = entry.indexOf('=');
    return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
  });
}

/** write key → source name. */
export function parseWriteKeys(value: string): Map<string, string> {
  return new Map(pairs(value).map(([source, key]) => [key, source]));
}

export function parseTraitRules(rules: string, sourcePriority: string): TraitRules {
  const traits: Record<string, ConflictRule> = {};
  for (const [name, rule] of pairs(rules)) {
    if (rule !== 'most_recent' && rule !== 'first_seen' && rule !== 'source_priority') {
      throw new Error(`TRAIT_RULES: ${name} has unknown rule ${rule}`);
    }
    traits[name] = rule;
  }
  const sources = sourcePriority
    .split(',')
    .map((source) => source.trim())
    .filter((source) => source !== '');
  return { traits, default: 'most_recent', sourcePriority: sources };
}

export function parseMergeLimits(value: string): MergeLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [type, limit] of pairs(value)) {
    if (!isIdentifierType(type))
      throw new Error(`MERGE_LIMITS: ${type} is not one of ${IDENTIFIER_TYPES.join(', ')}`);
    limits[type] = Number.parseInt(limit, 10);
  }
  return limits;
}
