import { fileURLToPath } from 'node:url';
import { createCodec } from '@scale-models/erasure';
import { createKafka, ensureTopics } from '@scale-models/kafka';
import { createOutboxRelay, createPool, ensureDatabase, migrate } from '@scale-models/postgres';
import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { createLogger } from '@scale-models/telemetry';
import { createStorageNodeClient } from '../adapters/storage-node-client.ts';
import { buildGateway } from '../app.ts';
import { GatewayConfigSchema, parseAccessKeys, parseStorageNodes } from '../config.ts';
import { objectCreated, objectRemoved } from '../contracts.ts';
import { createScrubber } from '../healing/scrubber.ts';
import { StoreMetrics } from '../healing/store-metrics.ts';

const config = loadConfigOrExit(GatewayConfigSchema);
const logger = createLogger({ name: 'object-store', level: config.LOG_LEVEL });
const codec = createCodec({ dataShards: config.DATA_SHARDS, parityShards: config.PARITY_SHARDS });
const nodes = new Map(
  [...parseStorageNodes(config.STORAGE_NODES)].map(([id, url]) => [
    id,
    createStorageNodeClient(url),
  ]),
);
if (nodes.size < codec.dataShards + codec.parityShards) {
  console.error(
    `STORAGE_NODES: ${codec.dataShards}+${codec.parityShards} erasure coding needs at least ${codec.dataShards + codec.parityShards} nodes, ${nodes.size} given`,
  );
  process.exit(78);
}

await ensureDatabase(config.PG_URL);
const pool = createPool(config.PG_URL, { applicationName: 'object-store' });
await migrate(pool, {
  directories: [fileURLToPath(new URL('../../migrations', import.meta.url))],
  outbox: true,
});
const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'object-store' });
await ensureTopics(kafka, [
  { topic: objectCreated.topic, partitions: 3 },
  { topic: objectRemoved.topic, partitions: 3 },
]);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const relay = createOutboxRelay({ pool, producer });
relay.start();

const metrics = new StoreMetrics();
const scrubber = createScrubber({
  pool,
  nodes,
  metrics,
  logger,
  windowBytes: config.READ_WINDOW_BYTES,
  intervalMs: config.SCRUB_INTERVAL_MS,
  orphanGraceMs: config.ORPHAN_GRACE_MS,
});
scrubber.start();

const app = buildGateway({
  pool,
  nodes,
  codec,
  blockSize: config.BLOCK_SIZE,
  readWindowBytes: config.READ_WINDOW_BYTES,
  minPartSize: config.MIN_PART_SIZE,
  credentials: parseAccessKeys(config.S3_ACCESS_KEYS),
  region: config.S3_REGION,
  metrics,
  scrubber,
  logger: { level: config.LOG_LEVEL },
});
await runService(app, {
  port: config.PORT,
  onShutdown: [
    { name: 'scrubber', close: () => scrubber.stop() },
    { name: 'outbox relay', close: () => relay.stop() },
    { name: 'kafka producer', close: () => producer.disconnect() },
    { name: 'postgres', close: () => pool.end() },
    {
      name: 'storage nodes',
      close: async () => {
        await Promise.all([...nodes.values()].map((node) => node.close()));
      },
    },
  ],
});
