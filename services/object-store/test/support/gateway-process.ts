import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually, kafka as kafkaServer } from '@scale-models/testkit';
import { ACCESS_KEY, SECRET_KEY } from './store-cluster.ts';

const ENTRYPOINT = fileURLToPath(new URL('../../src/bin/gateway.ts', import.meta.url));

export interface GatewayProcess {
  url: string;
  /** SIGKILL by default: the crash tests' way of stopping it. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Output so far, for a failing test's message. */
  output(): string;
}

/**
 * The real gateway entrypoint (`node src/bin/gateway.ts`) as its own process, for the tests
 * that kill it mid-request: config from the environment, migrations, outbox relay, scrubber.
 */
export async function startGatewayProcess(options: {
  pgUrl: string;
  nodeUrls: string[];
  port?: number;
  env?: Record<string, string>;
}): Promise<GatewayProcess & { port: number }> {
  const port = options.port ?? (await freePort());
  const { brokers } = await kafkaServer();
  const child: ChildProcess = spawn(process.execPath, [ENTRYPOINT], {
    env: {
      ...process.env,
      PORT: String(port),
      PG_URL: options.pgUrl,
      KAFKA_BROKERS: brokers.join(','),
      STORAGE_NODES: options.nodeUrls.map((url, i) => `node-${i + 1}=${url}`).join(','),
      S3_ACCESS_KEYS: `${ACCESS_KEY}:${SECRET_KEY}`,
      BLOCK_SIZE: String(16 * 1024),
      READ_WINDOW_BYTES: String(96 * 1024),
      MIN_PART_SIZE: String(64 * 1024),
      SCRUB_INTERVAL_MS: '3600000',
      ORPHAN_GRACE_MS: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${output}`);
      const response = await fetch(`${url}/readyz`);
      if (!response.ok) throw new Error(`readyz ${response.status}`);
    },
    { timeoutMs: 30_000 },
  );
  return {
    url,
    port,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
