import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `node test/fixtures/<name>.ts` with `env` added to this process's environment. */
export function startFixture(name: string, env: Record<string, string>): Child {
  const path = fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, [path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { process: child, exited };
}

/**
 * A scratch folder for a fixture process, the progress file it marks (two characters per
 * event or transaction done), and how many marks it holds: the test kills the process midway.
 */
export function scratchWithProgress(prefix: string) {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const progress = join(folder, 'progress.txt');
  const marks = () => (existsSync(progress) ? readFileSync(progress, 'utf8').length / 2 : 0);
  return { folder, progress, marks };
}
