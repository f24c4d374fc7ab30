import type { FastifyBaseLogger } from 'fastify';
import { TimeoutError, withTimeout } from './with-timeout.ts';

/** Resolves when the dependency can serve; rejects (or hangs) when it cannot. */
export type ReadinessCheck = () => Promise<void>;

export interface DependencyStatus {
  status: 'up' | 'down';
  /** Why it is down, in words safe to show: the error itself goes to the log. */
  reason?: 'timeout' | 'error';
}

export interface ReadinessReport {
  ready: boolean;
  dependencies: Record<string, DependencyStatus>;
}

/** Runs every check concurrently, each bounded by `timeoutMs`. */
export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
  log: FastifyBaseLogger,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    Object.entries(checks).map(
      async ([name, check]) => [name, await runCheck(name, check, timeoutMs, log)] as const,
    ),
  );
  const ready = results.every(([, result]) => result.status === 'up');
  return { ready, dependencies: Object.fromEntries(results) };
}

async function runCheck(
  name: string,
  check: ReadinessCheck,
  timeoutMs: number,
  log: FastifyBaseLogger,
): Promise<DependencyStatus> {
  try {
    await withTimeout(Promise.resolve().then(check), timeoutMs);
    return { status: 'up' };
  } catch (err) {
    log.warn({ err, dependency: name }, 'readiness check failed');
    return { status: 'down', reason: err instanceof TimeoutError ? 'timeout' : 'error' };
  }
}
