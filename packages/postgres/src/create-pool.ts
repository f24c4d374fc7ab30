import pg from 'pg';

export interface PoolOptions {
  /** Shown in pg_stat_activity, so a DBA can tell which process holds a connection. */
  applicationName?: string;
  /** Most connections this process opens; defaults to 10. */
  max?: number;
  /** Server-side limit on one statement; none by default. */
  statementTimeoutMs?: number;
  /** Ends sessions that sit idle inside a transaction (holding locks); defaults to 60 s. */
  idleInTransactionTimeoutMs?: number;
  /** How long to wait for a free or new connection; defaults to 5 s. */
  connectionTimeoutMs?: number;
  /** Closes connections idle for this long; defaults to 10 s. */
  idleTimeoutMs?: number;
  /** Called when an idle connection fails (server restart, network); defaults to a log line. */
  onError?: (error: Error) => void;
}

/**
 * A pg Pool with defaults a service wants. An idle client that loses its connection makes the
 * pool emit `error`, which would crash the process with no listener; the pool already drops
 * that client, so logging is all that is left to do.
 */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: options.applicationName ?? 'scale-models',
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    keepAlive: true,
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { statement_timeout: options.statementTimeoutMs }),
  });
  pool.on('error', options.onError ?? logIdleClientError);
  return pool;
}

function logIdleClientError(error: Error): void {
  const message = {
    level: 'warn',
    logger: 'pg-pool',
    msg: 'idle client failed',
    error: error.message,
  };
  console.error(JSON.stringify(message));
}
