import type { Row } from '../domain/record.ts';

export type ColumnType = 'number' | 'string';

/** A named stream (or table) the SQL front end can read. */
export interface SourceSchema {
  name: string;
  kind: 'stream' | 'table';
  topic: string;
  columns: Record<string, ColumnType>;
  /** The column holding event time (ms since the epoch); a table may have none. */
  timestamp?: string;
  /**
   * The column the topic's messages are keyed, so partitioned, by (a table's primary key).
   * A GROUP BY without it needs a repartition; undefined means keyed by nothing useful.
   */
  key?: string;
  /** Picks this source's events out of a shared topic (e.g. Nexmark's one event stream). */
  accepts?: (raw: Row) => boolean;
}

export type Catalog = Map<string, SourceSchema>;

export function createCatalog(sources: SourceSchema[]): Catalog {
  return new Map(sources.map((source) => [source.name.toLowerCase(), source]));
}
