import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

/** A feature row as the oracle sees it: `seq` is the tie-break order (the larger one wins). */
export interface OracleFeatureRow {
  key: string;
  ts: number;
  seq: number;
  value: number | null;
}

export interface OracleEntityRow {
  key: string;
  ts: number;
}

export interface OracleAnswer {
  value: number | null;
  /** Event time of the row used, null when none matched within the TTL. */
  ts: number | null;
}

/**
 * DuckDB's ASOF JOIN as an independent oracle for the point-in-time join: for each entity row,
 * the newest feature row of the same key at or before it (ties broken by seq), dropped when
 * older than the TTL. Answers in entity row order.
 */
export interface Oracle {
  asOf(
    entities: OracleEntityRow[],
    features: OracleFeatureRow[],
    ttlMs: number,
  ): Promise<OracleAnswer[]>;
  close(): void;
}

export async function createOracle(): Promise<Oracle> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    asOf: (entities, features, ttlMs) => asOf(connection, entities, features, ttlMs),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function asOf(
  connection: DuckDBConnection,
  entities: OracleEntityRow[],
  features: OracleFeatureRow[],
  ttlMs: number,
): Promise<OracleAnswer[]> {
  await connection.run('CREATE OR REPLACE TABLE e (row_no BIGINT, key VARCHAR, ts BIGINT)');
  await connection.run(
    'CREATE OR REPLACE TABLE f (key VARCHAR, ts BIGINT, seq BIGINT, value DOUBLE)',
  );
  await appendEntities(connection, entities);
  await appendFeatures(connection, features);
  const reader = await connection.runAndReadAll(`
    WITH latest AS (
      SELECT key, ts, value FROM f
      QUALIFY row_number() OVER (PARTITION BY key, ts ORDER BY seq DESC) = 1
    )
    SELECT e.row_no,
           CASE WHEN ${ttlMs} = 0 OR e.ts - l.ts <= ${ttlMs} THEN l.value END AS value,
           CASE WHEN ${ttlMs} = 0 OR e.ts - l.ts <= ${ttlMs} THEN l.ts END AS ts
    FROM e ASOF LEFT JOIN latest l ON e.key = l.key AND e.ts >= l.ts
    ORDER BY e.row_no`);
  return reader.getRowObjectsJS().map((row) => ({
    value: row.value === null ? null : Number(row.value),
    ts: row.ts === null ? null : Number(row.ts),
  }));
}

async function appendEntities(
  connection: DuckDBConnection,
  rows: OracleEntityRow[],
): Promise<void> {
  const appender = await connection.createAppender('e');
  rows.forEach((row, i) => {
    appender.appendBigInt(BigInt(i));
    appender.appendVarchar(row.key);
    appender.appendBigInt(BigInt(row.ts));
    appender.endRow();
  });
  appender.closeSync();
}

async function appendFeatures(
  connection: DuckDBConnection,
  rows: OracleFeatureRow[],
): Promise<void> {
  const appender = await connection.createAppender('f');
  for (const row of rows) {
    appender.appendVarchar(row.key);
    appender.appendBigInt(BigInt(row.ts));
    appender.appendBigInt(BigInt(row.seq));
    if (row.value === null) appender.appendNull();
    else appender.appendDouble(row.value);
    appender.endRow();
  }
  appender.closeSync();
}
