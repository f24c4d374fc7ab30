import { setTimeout as delay } from 'node:timers/promises';
import { ServiceError } from '@scale-models/errors';

export interface RetryPolicy {
  /** Total tries of one message, the first included (>= 1). */
  attempts: number;
  /** Wait before the second try; doubles for each further try. */
  backoffMs: number;
}

export type Outcome =
  { ok: true; attempts: number } | { ok: false; attempts: number; error: unknown };

/**
 * Runs `work` until it succeeds or `policy.attempts` tries have failed. Input errors (a
 * malformed or contract-violating message) fail at once: retrying cannot fix them.
 * `between` runs before each retry (the consumer heartbeats there).
 */
export async function processWithRetry(
  work: () => Promise<void> | void,
  policy: RetryPolicy,
  between: () => Promise<void>,
): Promise<Outcome> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await work();
      return { ok: true, attempts: attempt };
    } catch (error) {
      if (attempt >= policy.attempts || isPoison(error))
        return { ok: false, attempts: attempt, error };
    }
    await between();
    await delay(policy.backoffMs * 2 ** (attempt - 1));
  }
}

function isPoison(error: unknown): boolean {
  return error instanceof ServiceError && error.kind === 'input';
}
