import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { createCodec } from '@scale-models/erasure';
import { createPool, migrate } from '@scale-models/postgres';
import type { ServiceApp } from '@scale-models/service-kit';
import { createTestDatabase } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import pino from 'pino';
import type pg from 'pg';
import { createStorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import type { StorageNodeClient } from '../../src/adapters/storage-node-client.ts';
import { buildGateway } from '../../src/app.ts';
import { createScrubber } from '../../src/healing/scrubber.ts';
import type { Scrubber } from '../../src/healing/scrubber.ts';
import { StoreMetrics } from '../../src/healing/store-metrics.ts';
import { startStorageNode } from '../storage-node/helpers/storage-node-process.ts';
import type { StorageNodeProcess } from '../storage-node/helpers/storage-node-process.ts';

export const ACCESS_KEY = 'testkey';
export const SECRET_KEY = 'test-secret-key-0123456789';
const KiB = 1024;

export interface ClusterOptions {
  nodes?: number;
  dataShards?: number;
  parityShards?: number;
  blockSize?: number;
  readWindowBytes?: number;
  minPartSize?: number;
}

/**
 * A whole object store for a test file: real storage-node processes on temp folders, a fresh
 * PostgreSQL database, and the gateway in this process on a free port, with an S3 client of
 * the AWS SDK (default settings, path style) pointed at it. Small blocks and windows make
 * stripes and windows cross often with small test objects.
 */
export interface StoreCluster {
  endpoint: string;
  /** The cluster's own database, for a second gateway (a process) to share. */
  databaseUrl: string;
  s3: S3Client;
  nodes: StorageNodeProcess[];
  pool: pg.Pool;
  metrics: StoreMetrics;
  scrubber: Scrubber;
  /** Stops node i (SIGKILL); its shards stay on disk. */
  stopNode(index: number): Promise<void>;
  /** Starts node i again on its port and folder. */
  startNode(index: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStoreCluster(options: ClusterOptions = {}): Promise<StoreCluster> {
  const { nodes: count = 6, dataShards = 4, parityShards = 2 } = options;
  const database: TestDatabase = await createTestDatabase('object_store');
  const pool = createPool(database.url, { applicationName: 'object-store-test' });
  await migrate(pool, {
    directories: [fileURLToPath(new URL('../../migrations', import.meta.url))],
    outbox: true,
  });
  const processes = await Promise.all(Array.from({ length: count }, () => startStorageNode()));
  const clients = new Map<string, StorageNodeClient>(
    processes.map((node, i) => [
      `node-${i + 1}`,
      createStorageNodeClient(node.url, { timeoutMs: 3_000 }),
    ]),
  );
  const metrics = new StoreMetrics();
  const logger = pino({ level: 'silent' });
  const readWindowBytes = options.readWindowBytes ?? 96 * KiB;
  const scrubber = createScrubber({
    pool,
    nodes: clients,
    metrics,
    logger,
    windowBytes: readWindowBytes,
    intervalMs: 60_000,
    orphanGraceMs: 0,
  });
  const app: ServiceApp = buildGateway({
    pool,
    nodes: clients,
    codec: createCodec({ dataShards, parityShards }),
    blockSize: options.blockSize ?? 16 * KiB,
    readWindowBytes,
    minPartSize: options.minPartSize ?? 64 * KiB,
    credentials: new Map([[ACCESS_KEY, SECRET_KEY]]),
    region: 'us-east-1',
    metrics,
    scrubber,
    logger: { level: 'silent' },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const s3 = s3ClientFor(endpoint);
  return {
    endpoint,
    databaseUrl: database.url,
    s3,
    nodes: processes,
    pool,
    metrics,
    scrubber,
    stopNode: (index) => processes[index]!.kill('SIGKILL'),
    async startNode(index) {
      const old = processes[index]!;
      processes[index] = await startStorageNode({ dataDir: old.dataDir, port: old.port });
    },
    async close() {
      s3.destroy();
      await app.close();
      await Promise.all([...clients.values()].map((client) => client.close()));
      await Promise.all(processes.map((node) => node.destroy()));
      await pool.end();
      await database.drop();
    },
  };
}

export function s3ClientFor(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
  });
}
