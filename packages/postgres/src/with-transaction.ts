import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { runInTransaction } from './run-in-transaction.ts';
import type { IsolationLevel } from './run-in-transaction.ts';

export interface TransactionOptions {
  /** Defaults to read committed, PostgreSQL's own default. */
  isolation?: IsolationLevel;
  /**
   * Extra attempts after a serialization failure (40001) or deadlock (40P01); 0 by default,
   * because only the caller knows whether `fn` is safe to run again (no side effects outside
   * the transaction).
   */
  retries?: number;
}

/** SQLSTATEs after which running the whole transaction again may succeed. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Checks out a client, runs `fn` in a transaction on it and returns its result. The client
 * goes back to the pool on every path; when even ROLLBACK failed, the connection is in an
 * unknown state, so it is destroyed instead of reused.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  { isolation, retries = 0 }: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await attemptTransaction(pool, fn, isolation);
    } catch (error) {
      if (attempt >= retries || !RETRYABLE.has(sqlStateOf(error))) throw error;
      // Jittered backoff so the transactions that collided do not collide again at once.
      await delay(Math.random() * 5 * 2 ** attempt);
    }
  }
}

async function attemptTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  isolation: IsolationLevel | undefined,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: a lost connection would otherwise emit an
  // unhandled 'error'. The failure also reaches the running query, which is where it is handled.
  const ignore = (): void => {};
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    return await runInTransaction(client, () => fn(client), isolation);
  } catch (error) {
    broken = rollbackErrorOf(error);
    throw error;
  } finally {
    client.removeListener('error', ignore);
    client.release(broken);
  }
}

function rollbackErrorOf(error: unknown): Error | undefined {
  if (typeof error !== 'object' || error === null || !('rollbackError' in error)) return undefined;
  const { rollbackError } = error;
  return rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
}

function sqlStateOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}
