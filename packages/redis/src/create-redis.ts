import { Redis } from 'ioredis';

export interface RedisOptions {
  /** Connection name shown by `CLIENT LIST`, e.g. `commerce-api`. */
  name?: string;
  /** The miniature's key namespace, e.g. `commerce`; a trailing `:` is added when missing. */
  keyPrefix?: string;
  /** Bound of the readiness ping; defaults to 1 s. */
  readyTimeoutMs?: number;
  /**
   * Sends the commands issued in one event-loop tick as one pipeline (one socket write): a
   * server answering many concurrent requests saves a syscall per command. Off by default.
   */
  autoPipelining?: boolean;
}

/** Resolves when Redis answers; rejects quickly when it does not. */
export type RedisReadinessCheck = () => Promise<void>;

export interface RedisHandle {
  redis: Redis;
  ready: RedisReadinessCheck;
  /** Sends QUIT when connected, else drops the socket: never waits on a dead server. */
  close(): Promise<void>;
}

// A few retries absorb a blip; past that the caller gets an error instead of a queue that grows.
const MAX_RETRIES_PER_REQUEST = 3;
const CONNECT_TIMEOUT_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/** An ioredis client for a long-running service: reconnects forever, fails requests fast. */
export function createRedis(url: string, options: RedisOptions = {}): RedisHandle {
  const redis = new Redis(url, {
    connectionName: options.name,
    keyPrefix: namespaceOf(options.keyPrefix),
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  logErrors(redis, options.name ?? 'redis');
  return {
    redis,
    ready: () => pingWithin(redis, options.readyTimeoutMs ?? 1_000),
    close: () => close(redis),
  };
}

function namespaceOf(prefix: string | undefined): string | undefined {
  if (prefix === undefined || prefix === '') return undefined;
  return prefix.endsWith(':') ? prefix : `${prefix}:`;
}

// ioredis emits 'error' on every failed reconnect; without a listener Node prints it as
// unhandled. Log each distinct message once per outage instead of once per attempt.
function logErrors(redis: Redis, name: string): void {
  let last: string | undefined;
  redis.on('error', (error: Error) => {
    if (error.message === last) return;
    last = error.message;
    console.error(JSON.stringify({ level: 'error', logger: 'ioredis', name, msg: error.message }));
  });
  redis.on('ready', () => {
    last = undefined;
  });
}

async function pingWithin(redis: Redis, timeoutMs: number): Promise<void> {
  // Not connected means not ready: answer now rather than queue a ping behind reconnects.
  if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`redis ping timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const ping = redis.ping();
  ping.catch(() => undefined); // it may settle after the timeout won; nobody awaits it then
  try {
    await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function close(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit();
    return;
  }
  redis.disconnect();
}
