import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { TourProcess } from './chapter.ts';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface RunningProcesses {
  /** Stops what this tour started (gracefully, then by force); reused processes are left alone. */
  stop(): Promise<void>;
  /** Stops one process the tour started, e.g. to show the miniature surviving a failure. */
  stopProcess(name: string): Promise<void>;
  /** Starts a process stopped by `stopProcess` again and waits until it is ready. */
  startProcess(name: string): Promise<void>;
}

/**
 * Starts each process unless one already answers at its URL, and waits until all are ready.
 * Output goes to `<logDir>/tour-<name>.log` so the tour's own output stays readable.
 */
export async function startProcesses(
  processes: TourProcess[],
  options: { cwd: string; env: Record<string, string>; logDir: string },
): Promise<RunningProcesses> {
  mkdirSync(options.logDir, { recursive: true });
  const started = new Map<string, ChildProcess>();
  const specOf = (name: string) => {
    const spec = processes.find((candidate) => candidate.name === name);
    if (spec === undefined || !started.has(name)) {
      throw new Error(
        `${name} was not started by the tour (it was running already), so the tour leaves it alone`,
      );
    }
    return spec;
  };
  const running: RunningProcesses = {
    stop: () => stopAll([...started.values()]),
    stopProcess: async (name) => {
      specOf(name);
      await stopAll([started.get(name)!]);
    },
    startProcess: async (name) => {
      const spec = specOf(name);
      started.set(name, spawnLogged(spec, options));
      await waitUntilReady(spec, [...started.values()].filter(isAlive));
    },
  };
  try {
    for (const spec of processes) {
      if (await isReady(spec.url)) continue;
      started.set(spec.name, spawnLogged(spec, options));
    }
    await Promise.all(processes.map((spec) => waitUntilReady(spec, [...started.values()])));
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function spawnLogged(
  spec: TourProcess,
  options: { cwd: string; env: Record<string, string>; logDir: string },
): ChildProcess {
  const log = createWriteStream(join(options.logDir, `tour-${spec.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, spec.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function waitUntilReady(spec: TourProcess, started: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isReady(spec.url))) {
    if (started.some((child) => child.exitCode !== null)) {
      throw new Error(`a process of the tour exited before ${spec.name} became ready; see its log`);
    }
    if (Date.now() > deadline) throw new Error(`${spec.name} was not ready at ${spec.url}/readyz`);
    await delay(200);
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (!isAlive(child)) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }),
  );
}
