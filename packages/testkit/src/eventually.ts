import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `check` until it returns without throwing, then returns its value. Tests use this
 * instead of sleeps: it waits only as long as needed and fails with the last error seen.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(`eventually: still failing after ${timeoutMs} ms`, { cause: error });
      }
    }
    await delay(intervalMs);
  }
}
