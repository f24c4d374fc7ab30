import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually, freePort } from '@scale-models/testkit';

export interface ServiceProcess {
  url: string;
  port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
  exited(): Promise<void>;
  output(): string;
}

/** Runs one of the package's entrypoints as a process of its own and waits until it is ready. */
export async function startProcess(
  entrypoint: string,
  env: Record<string, string>,
  port?: number,
): Promise<ServiceProcess> {
  const chosen = port ?? (await freePort());
  const path = fileURLToPath(new URL(`../../src/bin/${entrypoint}`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [path], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = once(child, 'exit').then(() => undefined);
  const url = `http://127.0.0.1:${chosen}`;
  await eventually(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${entrypoint} exited: ${output}`);
      const response = await fetch(`${url}/readyz`);
      if (!response.ok) throw new Error(`readyz ${response.status}`);
    },
    { timeoutMs: 30_000 },
  );
  return {
    url,
    port: chosen,
    output: () => output,
    exited: () => exit,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exit;
    },
  };
}

export type PspName = 'atlas' | 'borealis' | 'cygnus';

/** The three simulated PSPs, ten times faster than their real-life latencies. */
export async function startPsps(
  env: Record<string, string> = {},
): Promise<Map<PspName, ServiceProcess>> {
  const names: PspName[] = ['atlas', 'borealis', 'cygnus'];
  const started = await Promise.all(
    names.map((name, i) =>
      startProcess('psp-simulator.ts', {
        PSP_NAME: name,
        LATENCY_SCALE: '0.1',
        SEED: String(i + 1),
        ...env,
      }),
    ),
  );
  return new Map(names.map((name, i) => [name, started[i]!]));
}

export function pspUrls(psps: Map<PspName, ServiceProcess>): string {
  return [...psps].map(([name, psp]) => `${name}=${psp.url}`).join(',');
}

export async function setPspMode(psp: ServiceProcess, mode: string): Promise<void> {
  const response = await fetch(`${psp.url}/_control/mode`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
  if (!response.ok) throw new Error(`mode ${mode}: ${response.status}`);
}

/** How many charges a PSP made under one of our references (attempt ids). */
export async function chargesAt(psp: ServiceProcess, reference: string): Promise<number> {
  const response = await fetch(`${psp.url}/_control/charges?reference=${reference}`);
  return ((await response.json()) as { count: number }).count;
}
