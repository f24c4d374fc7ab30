import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { eventually } from '@scale-models/testkit';

export interface PrivateRedis {
  url: string;
  /** A client without key prefix, for FLUSHALL and DBSIZE: this server is ours alone. */
  admin: Redis;
  stop(): Promise<void>;
}

/**
 * A redis-server of this test's own on a free port, in memory only: tests that flush Redis
 * or count every key use it, never the shared server.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  admin.on('error', () => undefined); // connection refused until the server is up
  await eventually(async () => {
    if (admin.status !== 'ready') await admin.connect().catch(() => undefined);
    if ((await admin.ping()) !== 'PONG') throw new Error('redis not up');
  });
  return {
    url,
    admin,
    async stop() {
      admin.disconnect();
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
