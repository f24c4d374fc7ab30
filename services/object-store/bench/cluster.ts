import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, eventually, kafka } from '@scale-models/testkit';

export const ACCESS_KEY = 'benchkey';
export const SECRET_KEY = 'bench-secret-key-0123456789';

/** A service started as its own `node src/bin/<name>.ts` process. */
export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** SIGKILL, as a crashed node; waits for the exit. */
  kill(): Promise<void>;
}

/** Storage nodes and the gateway, each its own process, on temp folders and a fresh database. */
export interface BenchCluster {
  gateway: ServiceProcess;
  nodes: ServiceProcess[];
  /** Kills every process and removes the folders and the database. */
  close(): Promise<void>;
}

export interface BenchClusterOptions {
  nodes: number;
  dataShards: number;
  parityShards: number;
}

/**
 * Starts the store as it runs in production, one process per service (the gateway with the
 * defaults of src/config.ts but the coding: 256 KiB blocks, 1 MiB read windows), so the bench
 * measures the real entrypoints, telemetry off.
 */
export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'object-store-bench-'));
  const database = await createTestDatabase('object_store_bench');
  const started: ServiceProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((service) => service.kill()));
    await database.drop();
    await rm(dataRoot, { recursive: true, force: true });
  };
  try {
    const { brokers } = await kafka();
    const nodes = await Promise.all(
      Array.from({ length: options.nodes }, (_, i) =>
        startService(started, 'storage-node', {
          DATA_DIR: join(dataRoot, `node-${i + 1}`),
          NODE_ID: `node-${i + 1}`,
          LOG_LEVEL: 'warn',
        }),
      ),
    );
    const gateway = await startService(started, 'gateway', {
      PG_URL: database.url,
      KAFKA_BROKERS: brokers.join(','),
      STORAGE_NODES: nodes.map((node, i) => `node-${i + 1}=${node.url}`).join(','),
      S3_ACCESS_KEYS: `${ACCESS_KEY}:${SECRET_KEY}`,
      DATA_SHARDS: String(options.dataShards),
      PARITY_SHARDS: String(options.parityShards),
      // Healing would compete with the degraded reads being measured.
      SCRUB_INTERVAL_MS: String(3_600_000),
      LOG_LEVEL: 'warn',
    });
    return { gateway, nodes, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Spawns `src/bin/<name>.ts`, adds it to `started` at once (to be killed whatever happens). */
async function startService(
  started: ServiceProcess[],
  name: 'gateway' | 'storage-node',
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  const entrypoint = fileURLToPath(new URL(`../src/bin/${name}.ts`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [entrypoint], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const service: ServiceProcess = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
  started.push(service);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
      const response = await fetch(`${service.url}/readyz`);
      if (!response.ok) throw new Error(`${name} /readyz answered ${response.status}`);
    },
    { timeoutMs: 30_000 },
  );
  return service;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
