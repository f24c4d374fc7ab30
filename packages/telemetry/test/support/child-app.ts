import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REGISTER = fileURLToPath(new URL('../../src/register.ts', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildApp {
  /** Every stdout line so far that parsed as JSON (log lines and fixture reports). */
  jsonLines(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves once the process has exited and its output is read. */
  exited: Promise<Exit>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<Exit>;
}

/**
 * Runs a fixture the way miniatures run: `node --import <register> fixture.ts`, so the loader
 * hook and SDK are in place before the fixture's imports. Inherited OTEL_* and telemetry
 * variables are dropped, so each test states the configuration it means.
 */
export function startChildApp(fixture: string, env: Record<string, string>): ChildApp {
  const child = spawn(
    process.execPath,
    ['--import', REGISTER, fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url))],
    { env: { ...inheritedEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close' rather than 'exit': by then every byte of stdout and stderr has arrived.
  const exited = new Promise<Exit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    jsonLines: () => parseJsonLines(stdout),
    stderr: () => stderr,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('OTEL_') && !name.startsWith('TELEMETRY_'),
    ),
  );
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
