import { Type } from '@scale-models/service-kit';
import type { Static } from '@scale-models/service-kit';

const MiB = 2 ** 20;

/** The gateway's environment. Storage nodes have their own (src/storage-node/config.ts). */
export const GatewayConfigSchema = Type.Object({
  PORT: Type.Integer({ default: 7200, minimum: 1, maximum: 65535 }),
  PG_URL: Type.String({ description: 'PostgreSQL holding buckets, versions, uploads' }),
  KAFKA_BROKERS: Type.String({ description: 'comma-separated host:port; object events go here' }),
  STORAGE_NODES: Type.String({
    pattern: '^[a-z0-9-]+=https?://[^,=]+(,[a-z0-9-]+=https?://[^,=]+)*$',
    description: 'comma-separated <node-id>=<url>, e.g. node-1=http://127.0.0.1:7211',
  }),
  S3_ACCESS_KEYS: Type.String({
    pattern: '^[A-Za-z0-9]{3,128}:[^,]{8,}(,[A-Za-z0-9]{3,128}:[^,]{8,})*$',
    description: 'comma-separated <access-key-id>:<secret>',
  }),
  S3_REGION: Type.String({ default: 'us-east-1' }),
  DATA_SHARDS: Type.Integer({ default: 4, minimum: 1, maximum: 32 }),
  PARITY_SHARDS: Type.Integer({ default: 2, minimum: 0, maximum: 16 }),
  BLOCK_SIZE: Type.Integer({ default: 256 * 1024, minimum: 4096, maximum: 16 * MiB }),
  READ_WINDOW_BYTES: Type.Integer({ default: 1 * MiB, minimum: 4096, maximum: 64 * MiB }),
  MIN_PART_SIZE: Type.Integer({ default: 5 * MiB, minimum: 1 }),
  SCRUB_INTERVAL_MS: Type.Integer({ default: 30_000, minimum: 100 }),
  ORPHAN_GRACE_MS: Type.Integer({ default: 10 * 60_000, minimum: 0 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export function parseStorageNodes(value: string): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const entry of value.split(',')) {
    const [id, url] = splitOnce(entry, '=');
    if (nodes.has(id)) throw new Error(`STORAGE_NODES names ${id} twice`);
    nodes.set(id, url);
  }
  return nodes;
}

export function parseAccessKeys(value: string): Map<string, string> {
  return new Map(value.split(',').map((entry) => splitOnce(entry, ':')));
}

function splitOnce(entry: string, separator: string): [string, string] {
  const at = entry.indexOf(separator);
  return [entry.slice(0, at), entry.slice(at + 1)];
}
