import { fileURLToPath } from 'node:url';
import { keepConsumerRunning, parseCloudEvent } from '@scale-models/kafka';
import { createPool, ensureDatabase, migrate, withTransaction } from '@scale-models/postgres';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { commitEachChunk } from './commit-each-chunk.ts';
import type { ViewUpdate } from './live-view.ts';

export interface PostgresSinkOptions {
  kafka: Kafka;
  pool: pg.Pool;
  query: string;
  /** The query's result topic, read with read_committed. */
  topic: string;
  groupId: string;
  /** Results per PostgreSQL transaction. Default 500. */
  maxRowsPerTransaction?: number;
  /** Called inside each transaction after its rows are written, before it commits (tests). */
  beforeCommit?: () => Promise<void>;
}

export interface PostgresSink {
  /** Pull query: the latest row per result, as committed to PostgreSQL. */
  rows(): Promise<ViewUpdate[]>;
  stop(): Promise<void>;
}

const sinkMigrations = fileURLToPath(new URL('../../migrations', import.meta.url));

/** The sink's database and tables, created when missing (safe for several processes at once). */
export async function openSinkDatabase(url: string): Promise<pg.Pool> {
  await ensureDatabase(url);
  const pool = createPool(url, { applicationName: 'stream-processor' });
  await migrate(pool, { directories: [sinkMigrations] });
  return pool;
}

/**
 * Writes a query's committed results into PostgreSQL with exactly-once effect: each chunk's
 * upserts (keyed by window and key) and the topic offset it reaches commit in one PostgreSQL
 * transaction, and records below the stored offset are skipped. Kafka's own committed offset
 * is only a hint of where to resume; a replay after a crash changes nothing.
 */
export async function startPostgresSink(options: PostgresSinkOptions): Promise<PostgresSink> {
  const { kafka, pool, query, topic } = options;
  const size = options.maxRowsPerTransaction ?? 500;
  const consumer = kafka.consumer({ groupId: options.groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const stopRestarting = await keepConsumerRunning(consumer, {
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: commitEachChunk(consumer, size, (batch, chunk) =>
      writeChunk(options, batch.partition, chunk),
    ),
  });
  return {
    async rows() {
      const { rows } = await pool.query<{ result_id: string; row: Record<string, unknown> }>(
        'SELECT result_id, row FROM query_results WHERE query = $1 ORDER BY result_id',
        [query],
      );
      return rows.map(({ result_id, row }) => ({ id: result_id, row }));
    },
    async stop() {
      stopRestarting();
      await consumer.disconnect();
    },
  };
}

async function writeChunk(
  options: PostgresSinkOptions,
  partition: number,
  chunk: KafkaMessage[],
): Promise<void> {
  const { pool, query, topic } = options;
  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO query_sink_offsets (query, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
       ON CONFLICT DO NOTHING`,
      [query, topic, partition],
    );
    // The row lock also serialises two sink processes that both think they own the partition.
    const { rows } = await client.query<{ next_offset: string }>(
      `SELECT next_offset FROM query_sink_offsets
       WHERE query = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      [query, topic, partition],
    );
    const from = BigInt(rows[0]!.next_offset);
    const fresh = chunk.filter((message) => BigInt(message.offset) >= from);
    if (fresh.length === 0) return;
    await client.query(UPSERT, [query, partition, JSON.stringify(latestPerResult(fresh))]);
    await options.beforeCommit?.();
    await client.query(
      `UPDATE query_sink_offsets SET next_offset = $4
       WHERE query = $1 AND topic = $2 AND partition = $3`,
      [query, topic, partition, (BigInt(fresh.at(-1)!.offset) + 1n).toString()],
    );
  });
}

/** One row per result id (an EMIT CHANGES query updates a result many times in a chunk). */
function latestPerResult(messages: KafkaMessage[]) {
  const latest = new Map<string, { id: string; row: unknown; versions: number; offset: string }>();
  for (const message of messages) {
    const event = parseCloudEvent(message.value);
    const versions = (latest.get(event.id)?.versions ?? 0) + 1;
    latest.set(event.id, { id: event.id, row: event.data, versions, offset: message.offset });
  }
  return [...latest.values()];
}

const UPSERT = `
INSERT INTO query_results (query, result_id, row, versions, source_partition, source_offset)
SELECT $1, r.id, r.row, r.versions, $2, r.offset::bigint
FROM jsonb_to_recordset($3::jsonb) AS r(id text, row jsonb, versions integer, "offset" text)
ON CONFLICT (query, result_id) DO UPDATE SET
  row = EXCLUDED.row,
  versions = query_results.versions + EXCLUDED.versions,
  source_partition = EXCLUDED.source_partition,
  source_offset = EXCLUDED.source_offset,
  updated_at = now()`;
