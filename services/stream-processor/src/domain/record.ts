/** A decoded event: column name to value. */
export type Row = Record<string, unknown>;

/** A record inside the dataflow: its key (after keyBy), event time and row. */
export interface StreamRecord {
  key: string;
  /** Event time, milliseconds since the epoch. */
  time: number;
  row: Row;
}
