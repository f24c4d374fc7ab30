import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * A feature row as the oracle sees it: `keys` are its join key values, one column each (never
 * our encoded key); `seq` is the tie-break order (the larger one wins).
 */
export interface OracleFeatureRow {
  keys: string[];
  ts: number;
  seq: number;
  value: number | null;
}

export interface OracleEntityRow {
  keys: string[];
  ts: number;
}

export interface OracleAnswer {
  value: number | null;
  /** Event time of the row used, null when none matched within the TTL. */
  ts: number | null;
}

/**
 * DuckDB's ASOF JOIN as an independent oracle for the point-in-time join: for each entity row,
 * the newest feature row with the same value in each of the `arity` key columns at or before
 * it (ties broken by seq), dropped when older than the TTL. Answers in entity row order.
 */
export interface Oracle {
  asOf(
    entities: OracleEntityRow[],
    features: OracleFeatureRow[],
    ttlMs: number,
    arity?: number,
  ): Promise<OracleAnswer[]>;
  close(): void;
}

export async function createOracle(): Promise<Oracle> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    asOf: (entities, features, ttlMs, arity = 1) =>
      asOf(connection, entities, features, ttlMs, arity),
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
  arity: number,
): Promise<OracleAnswer[]> {
  const keys = Array.from({ length: arity }, (_, i) => `k${i}`);
  const keyColumns = keys.map((k) => `${k} VARCHAR`).join(', ');
  await connection.run(`CREATE OR REPLACE TABLE e (row_no BIGINT, ${keyColumns}, ts BIGINT)`);
  await connection.run(
    `CREATE OR REPLACE TABLE f (${keyColumns}, ts BIGINT, seq BIGINT, value DOUBLE)`,
  );
  await appendEntities(connection, entities);
  await appendFeatures(connection, features);
  const reader = await connection.runAndReadAll(`
    WITH latest AS (
      SELECT ${keys.join(', ')}, ts, value FROM f
      QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')}, ts ORDER BY seq DESC) = 1
    )
    SELECT e.row_no,
           CASE WHEN ${ttlMs} = 0 OR e.ts - l.ts <= ${ttlMs} THEN l.value END AS value,
           CASE WHEN ${ttlMs} = 0 OR e.ts - l.ts <= ${ttlMs} THEN l.ts END AS ts
    FROM e ASOF LEFT JOIN latest l ON ${keys.map((k) => `e.${k} = l.${k}`).join(' AND ')} AND e.ts >= l.ts
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
    row.keys.forEach((key) => appender.appendVarchar(key));
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
    row.keys.forEach((key) => appender.appendVarchar(key));
    appender.appendBigInt(BigInt(row.ts));
    appender.appendBigInt(BigInt(row.seq));
    if (row.value === null) appender.appendNull();
    else appender.appendDouble(row.value);
    appender.endRow();
  }
  appender.closeSync();
}
