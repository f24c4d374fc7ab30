import type { Emit, Operator } from './operator.ts';
import type { Row, StreamRecord } from './record.ts';
import { scopedStore } from './state-store.ts';
import type { StateStore } from './state-store.ts';
import { createTimerIndex } from './timers.ts';

export interface TableJoinOptions {
  /** Is this record an update of the table (else it is a stream event to enrich)? */
  isTableRow: (row: Row) => boolean;
  /** Is this table record a deletion (a tombstone on the table's topic)? */
  isDeletion?: (row: Row) => boolean;
  tableKey: (row: Row) => string;
  streamKey: (row: Row) => string;
  combine: (stream: Row, table: Row) => Row;
  /** Table rows not updated for this long (event time) are forgotten; undefined keeps them. */
  ttlMs?: number;
  /**
   * A table that sent no row for this long (processing time, told by `onTick`) is taken as
   * caught up: the events waiting for it join what it holds. Kafka Streams' `max.task.idle.ms`.
   */
  tableIdleTimeoutMs: number;
  store: StateStore;
}

/** The default `tableIdleTimeoutMs`: how long an event waits at most for a quiet table. */
export const DEFAULT_TABLE_IDLE_TIMEOUT_MS = 5_000;

interface TableEntry {
  row: Row;
  time: number;
}

/** Event time up to which the table is complete: every event at or before it has been joined. */
const PROGRESS_KEY = 'join|progress';
const SEQUENCE_KEY = 'join|sequence';

/**
 * Stream-table join as of event time (Flink's temporal join): an event joins the row its key
 * had at the event's time. Table rows (a compacted topic's latest value per key) are upserted
 * into keyed state, deletions remove them, and only the latest version is kept, so events
 * must be joined in step with the table's time: an event newer than the table's progress (the
 * time of its newest row) waits in state until a row at or past its time arrives; the events
 * before a row's time are joined just before that row is applied (they see the version before
 * it), the events at its time just after. This assumes a table partition's rows arrive in
 * event-time order, as a changelog does. A table quiet for `tableIdleTimeoutMs` releases every
 * waiting event (0: no waiting, each event joins the table as it is on arrival). An event
 * whose key has no row then is dropped (inner join). A table without event times has rows of
 * time 0, which every event sees.
 */
export function createTableJoinOperator(options: TableJoinOptions): Operator {
  const { store } = options;
  const table = scopedStore(store, 'r|');
  const expiry = createTimerIndex(scopedStore(store, 'x|'));
  // Events waiting for the table, by time (`w|` is a window's, should one follow the join).
  const waiting = createTimerIndex(scopedStore(store, 'q|'));
  // Processing time is no state: after a restart the table gets a full timeout again.
  let clock = 0;
  let lastRowAt: number | undefined;
  const progress = () => (store.get(PROGRESS_KEY) as number | undefined) ?? -1;
  const progressTo = (time: number) => store.put(PROGRESS_KEY, Math.max(progress(), time));
  const tableQuiet = () => clock - (lastRowAt ?? clock) >= options.tableIdleTimeoutMs;

  const join = (record: StreamRecord, emit: Emit) => {
    const entry = table.get(encodeURIComponent(options.streamKey(record.row))) as
      TableEntry | undefined;
    // Expired by event time even if the watermark has not swept it yet.
    const expired =
      options.ttlMs !== undefined &&
      entry !== undefined &&
      record.time - entry.time >= options.ttlMs;
    if (entry === undefined || expired || entry.time > record.time) return;
    emit({ key: record.key, time: record.time, row: options.combine(record.row, entry.row) });
  };
  /** Joins the waiting events up to `time`, in event-time order. */
  const release = (time: number, emit: Emit) => {
    for (const { payload } of waiting.takeDue(time)) join(payload as StreamRecord, emit);
  };
  const wait = (record: StreamRecord) => {
    const sequence = ((store.get(SEQUENCE_KEY) as number | undefined) ?? 0) + 1;
    store.put(SEQUENCE_KEY, sequence);
    waiting.register(record.time, String(sequence), record);
  };

  const applyTableRow = (record: StreamRecord, emit: Emit) => {
    lastRowAt = clock;
    release(record.time - 1, emit);
    const key = encodeURIComponent(options.tableKey(record.row));
    const previous = table.get(key) as TableEntry | undefined;
    if (previous !== undefined && options.ttlMs !== undefined) {
      expiry.cancel(previous.time + options.ttlMs, key);
    }
    if (options.isDeletion?.(record.row) === true) {
      table.delete(key);
    } else {
      table.put(key, { row: record.row, time: record.time } satisfies TableEntry);
      if (options.ttlMs !== undefined) expiry.register(record.time + options.ttlMs, key);
    }
    release(record.time, emit);
    progressTo(record.time);
  };

  return {
    onRecord(record, watermark, emit) {
      if (options.isTableRow(record.row)) return applyTableRow(record, emit);
      if (record.time <= progress()) return join(record, emit);
      if (!tableQuiet()) return wait(record);
      join(record, emit);
      progressTo(Math.max(record.time, watermark));
    },
    onTick(now, watermark, emit) {
      clock = now;
      lastRowAt ??= now;
      if (!tableQuiet()) return;
      release(Number.MAX_SAFE_INTEGER, emit);
      progressTo(watermark);
    },
    onWatermark(watermark) {
      // Rows stay while events up to their expiry may still wait to be joined.
      const swept = Math.min(watermark, progress());
      for (const { id } of expiry.takeDue(swept - 1)) table.delete(id);
    },
    // Waiting events are not late downstream: the join holds its output back to the table's progress.
    forward: (watermark) => Math.min(watermark, progress()),
  };
}
