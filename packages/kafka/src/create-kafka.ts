import { Kafka, logLevel } from 'kafkajs';
import type { LogEntry, logCreator } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  /** Defaults to `warn`: kafkajs logs every rebalance and reconnect at `info`. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

const LOG_LEVELS = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

/**
 * kafkajs logs at error level every retriable broker answer (coordinator loading or moving,
 * a transaction still completing) before it retries; a failure that lasts reaches the caller as a
 * thrown error anyway. The other two are fixed notices about choices made here on purpose.
 */
const NOISE = [
  /^Connection: Response /,
  /^Producer: Failed to send messages: The producer attempted to update a transaction while another concurrent operation/,
  /^Producer: Limiting retries for the idempotent producer/,
  /KafkaJS v2\.0\.0 switched default partitioner/,
];

/**
 * A kafkajs client that retries transient broker errors for about half a minute (leader
 * elections, coordinator moves) before giving up, and logs only what needs attention.
 */
export function createKafka({ brokers, clientId, logLevel = 'warn' }: KafkaOptions): Kafka {
  return new Kafka({
    brokers,
    clientId,
    logLevel: LOG_LEVELS[logLevel],
    logCreator: quietLogger,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 8 },
  });
}

const quietLogger: logCreator = () => (entry: LogEntry) => {
  const { label, namespace, log } = entry;
  const line = namespace === '' ? log.message : `${namespace}: ${log.message}`;
  if (NOISE.some((pattern) => pattern.test(line))) return;
  console.error(JSON.stringify({ level: label, logger: 'kafkajs', namespace, ...log }));
};
