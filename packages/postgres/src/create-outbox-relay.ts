import type pg from 'pg';
import type { Producer } from 'kafkajs';
import { createWaker } from './create-waker.ts';
import { deletePublished, markPublished, readUnpublished, toTopicMessages } from './outbox-rows.ts';

export interface OutboxRelayOptions {
  pool: pg.Pool;
  /**
   * A connected kafkajs producer, best idempotent with one request in flight, so a retried
   * send cannot land behind a later one. The relay never connects or disconnects it.
   */
  producer: Producer;
  /** Rows per Kafka request; defaults to 100. */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (one lost with a connection); defaults to 1 s. */
  pollIntervalMs?: number;
  /** How often a standby tries to become leader; defaults to 1 s. */
  standbyRetryMs?: number;
  /** Published rows are kept this long, for inspection; defaults to 24 h. */
  retentionMs?: number;
  /** How often the leader deletes published rows past retention; defaults to 1 min. */
  cleanupIntervalMs?: number;
  /** Told about every failure the relay retries; defaults to a log line. */
  onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  /** Starts competing for leadership and, once leader, relaying. */
  start(): void;
  /** Finishes the batch in flight (produce and mark), gives up leadership, resolves. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

// Session-level lock held by the leader for as long as its connection lives.
const LEADER_LOCK = `hashtextextended('scale-models.outbox-relay', 0)`;
const MAX_BACKOFF_MS = 5_000;

/**
 * Publishes committed outbox rows to Kafka, oldest id first, marking them published only after
 * Kafka acknowledged them (at least once: a crash in between publishes them again, with the
 * same ce_id). One leader at a time, chosen by an advisory lock on a dedicated connection,
 * which also carries LISTEN and every read and mark, so a leader that lost its connection
 * (and with it the lock) cannot mark anything.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const settings = {
    pool: options.pool,
    producer: options.producer,
    batchSize: options.batchSize ?? 100,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    standbyRetryMs: options.standbyRetryMs ?? 1_000,
    retentionMs: options.retentionMs ?? 24 * 60 * 60 * 1_000,
    cleanupIntervalMs: options.cleanupIntervalMs ?? 60_000,
    onError: options.onError ?? logRelayError,
  };
  const waker = createWaker();
  let stopping = false;
  let leader = false;
  let running: Promise<void> | undefined;

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const client = await claimLeadership(settings.pool);
        if (client === undefined) {
          await waker.wait(settings.standbyRetryMs);
          continue;
        }
        leader = true;
        failures = 0;
        try {
          await lead(client);
        } finally {
          leader = false;
          client.release(true); // ending the session releases the lock and the LISTEN
        }
      } catch (error) {
        settings.onError(error);
        failures += 1;
        await waker.wait(backoffMs(failures));
      }
    }
  }

  async function lead(client: pg.PoolClient): Promise<void> {
    let lost: Error | undefined;
    client.on('error', (error: Error) => {
      lost = error;
      waker.wake();
    });
    client.on('notification', () => waker.wake());
    await client.query('LISTEN outbox_events');
    let nextCleanup = 0;
    let kafkaFailures = 0;
    while (!stopping) {
      if (lost !== undefined) throw lost;
      const rows = await readUnpublished(client, settings.batchSize);
      if (rows.length > 0) {
        try {
          await settings.producer.sendBatch({ acks: -1, topicMessages: toTopicMessages(rows) });
          kafkaFailures = 0;
        } catch (error) {
          // Keep leadership and the order: the same rows are read and sent again.
          settings.onError(error);
          kafkaFailures += 1;
          await waker.wait(backoffMs(kafkaFailures));
          continue;
        }
        await markPublished(client, rows);
      }
      if (Date.now() >= nextCleanup) {
        await deletePublished(client, settings.retentionMs);
        nextCleanup = Date.now() + settings.cleanupIntervalMs;
      }
      // A full batch means more may be waiting: go on at once.
      if (rows.length < settings.batchSize) await waker.wait(settings.pollIntervalMs);
    }
  }

  return {
    start() {
      if (running !== undefined) return;
      stopping = false;
      running = run();
    },
    async stop() {
      stopping = true;
      waker.wake();
      await running;
      running = undefined;
    },
    isLeader: () => leader,
  };
}

/** A connection holding the leader lock, or undefined when another relay leads. */
async function claimLeadership(pool: pg.Pool): Promise<pg.PoolClient | undefined> {
  const client = await pool.connect();
  // Until lead() listens itself, a lost connection must not become an unhandled 'error'.
  const ignore = (): void => {};
  client.on('error', ignore);
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${LEADER_LOCK}) AS locked`,
    );
    if (rows[0]?.locked === true) return client;
    client.removeListener('error', ignore);
    client.release();
    return undefined;
  } catch (error) {
    client.release(true);
    throw error;
  }
}

function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures);
}

function logRelayError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ level: 'error', logger: 'outbox-relay', msg: message }));
}
