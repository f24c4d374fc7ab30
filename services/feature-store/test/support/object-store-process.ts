import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, eventually, kafka } from '@scale-models/testkit';
import { freePort } from './private-redis.ts';

const OBJECT_STORE = fileURLToPath(new URL('../../../object-store/src/bin/', import.meta.url));

export const S3_ACCESS_KEY = 'artifacts';
export const S3_SECRET_KEY = 'artifacts-secret-key';

export interface ObjectStore {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * The object-store miniature, real and small: one storage node and its S3 gateway (erasure
 * coding 1+0), as processes on free ports with their own database and folder.
 */
export async function startObjectStore(): Promise<ObjectStore> {
  const [nodePort, gatewayPort] = [await freePort(), await freePort()];
  const folder = await mkdtemp(join(tmpdir(), 'feature-store-s3-'));
  const database = await createTestDatabase('object_store');
  const started: ChildProcess[] = [];
  const start = (entry: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, [join(OBJECT_STORE, entry)], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: 'ignore',
    });
    started.push(child);
  };
  start('storage-node.ts', { PORT: String(nodePort), DATA_DIR: folder, NODE_ID: 'node-1' });
  start('gateway.ts', {
    PORT: String(gatewayPort),
    PG_URL: database.url,
    KAFKA_BROKERS: (await kafka()).brokers.join(','),
    STORAGE_NODES: `node-1=http://127.0.0.1:${nodePort}`,
    S3_ACCESS_KEYS: `${S3_ACCESS_KEY}:${S3_SECRET_KEY}`,
    DATA_SHARDS: '1',
    PARITY_SHARDS: '0',
  });
  const endpoint = `http://127.0.0.1:${gatewayPort}`;
  await eventually(
    async () => {
      const response = await fetch(`${endpoint}/readyz`);
      if (!response.ok) throw new Error(`gateway answers ${response.status}`);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  return {
    endpoint,
    async stop() {
      for (const child of started) {
        child.kill('SIGTERM');
        if (child.exitCode === null) await once(child, 'exit');
      }
      await database.drop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
