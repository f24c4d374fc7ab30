import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually } from '@scale-models/testkit';

const ENTRYPOINT = fileURLToPath(new URL('../../../src/bin/storage-node.ts', import.meta.url));

export interface StorageNodeOptions {
  /** Reuse a data folder (a restart); a fresh temp folder otherwise. */
  dataDir?: string;
  /** Listen on this port; any free one otherwise. */
  port?: number;
  blockSize?: number;
  maxShardBytes?: number;
}

/** A real `node src/bin/storage-node.ts` process on its own data folder. */
export interface StorageNodeProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Sends `signal` (SIGKILL by default) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Kills the process (if running) and removes its data folder. */
  destroy(): Promise<void>;
}

/** Spawns a node and resolves once its /readyz answers 200. */
export async function startStorageNode(
  options: StorageNodeOptions = {},
): Promise<StorageNodeProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'storage-node-')));
  const child = spawn(process.execPath, [ENTRYPOINT], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      DATA_DIR: dataDir,
      NODE_ID: 'test-node',
      BLOCK_SIZE: String(options.blockSize ?? 64 * 1024),
      ...(options.maxShardBytes === undefined
        ? {}
        : { MAX_SHARD_BYTES: String(options.maxShardBytes) }),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child);
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    const response = await fetch(`${url}/readyz`);
    if (response.status !== 200) throw new Error(`readyz ${response.status}`);
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  return {
    url,
    port,
    dataDir,
    pid: child.pid ?? 0,
    kill,
    async destroy() {
      await kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// fastify logs "Server listening at http://127.0.0.1:<port>" once bound; the log is read to
// the end so the pipe never fills and stalls the node.
async function listeningPort(child: ChildProcess): Promise<number> {
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`storage node exited (${code}): ${stderr.join('')}`)),
    );
    lines.on('line', (line) => {
      const port = /Server listening at http:\/\/[^"]*:(\d+)/.exec(line)?.[1];
      if (port !== undefined) resolve(Number(port));
    });
  });
}
