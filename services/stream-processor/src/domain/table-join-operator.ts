import type { Operator } from './operator.ts';
import type { Row } from './record.ts';
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
  store: StateStore;
}

interface TableEntry {
  row: Row;
  time: number;
}

/**
 * Stream-table join: table rows (a compacted topic's latest value per key) are upserted into
 * keyed state, deletions remove them; each stream event looks its key up and is emitted
 * joined with the row as it is now (inner join), unless the row is younger than the event:
 * by event time it did not exist yet when the event happened (only the latest version of a
 * row is kept, so such an event finds no match). A table without event times has rows of
 * time 0, which every event sees.
 */
export function createTableJoinOperator(options: TableJoinOptions): Operator {
  const table = scopedStore(options.store, 'r|');
  const expiry = createTimerIndex(scopedStore(options.store, 'x|'));
  return {
    onRecord(record, _watermark, emit) {
      if (options.isTableRow(record.row)) {
        const key = encodeURIComponent(options.tableKey(record.row));
        const previous = table.get(key) as TableEntry | undefined;
        if (previous !== undefined && options.ttlMs !== undefined) {
          expiry.cancel(previous.time + options.ttlMs, key);
        }
        if (options.isDeletion?.(record.row) === true) return table.delete(key);
        table.put(key, { row: record.row, time: record.time } satisfies TableEntry);
        if (options.ttlMs !== undefined) expiry.register(record.time + options.ttlMs, key);
        return;
      }
      const entry = table.get(encodeURIComponent(options.streamKey(record.row))) as
        TableEntry | undefined;
      // Expired by event time even if the watermark has not swept it yet.
      const expired =
        options.ttlMs !== undefined &&
        entry !== undefined &&
        record.time - entry.time >= options.ttlMs;
      if (entry === undefined || expired || entry.time > record.time) return;
      emit({ key: record.key, time: record.time, row: options.combine(record.row, entry.row) });
    },
    onWatermark(watermark) {
      for (const { id } of expiry.takeDue(watermark - 1)) table.delete(id);
    },
    forward: (watermark) => watermark,
  };
}
