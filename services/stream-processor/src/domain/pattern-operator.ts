import type { LateSink, Operator } from './operator.ts';
import type { Row, StreamRecord } from './record.ts';
import { scopedStore } from './state-store.ts';
import type { StateStore } from './state-store.ts';
import { createTimerIndex } from './timers.ts';

export interface PatternOptions {
  /** Does this event start a match (A)? */
  first: (row: Row) => boolean;
  /** Does this later event complete the match started by `a` (B)? */
  then: (a: Row, b: Row) => boolean;
  withinMs: number;
  result: (a: StreamRecord, b: StreamRecord) => Row;
  store: StateStore;
  late: LateSink;
}

/**
 * Complex event processing: "A followed by B within T, per key". Events wait in an
 * event-time buffer until the watermark passes them, so matches follow event time, not
 * arrival order. The pending A of a key expires T after it (state TTL by event time).
 */
export function createPatternOperator(options: PatternOptions): Operator {
  const buffer = createTimerIndex(scopedStore(options.store, 'b|'));
  const expiry = createTimerIndex(scopedStore(options.store, 'x|'));
  const pending = scopedStore(options.store, 'a|');
  // Persisted, so buffer entries of a restored task never overwrite each other.
  const nextSequence = () => {
    const next = ((options.store.get('seq') as number | undefined) ?? 0) + 1;
    options.store.put('seq', next);
    return next;
  };

  const inOrder = (record: StreamRecord): StreamRecord[] => {
    const key = encodeURIComponent(record.key);
    const a = pending.get(key) as StreamRecord | undefined;
    const matches: StreamRecord[] = [];
    const inTime = a !== undefined && record.time - a.time <= options.withinMs;
    if (inTime && options.then(a.row, record.row)) {
      matches.push({ key: record.key, time: record.time, row: options.result(a, record) });
    }
    if (options.first(record.row)) {
      if (a !== undefined) expiry.cancel(a.time + options.withinMs, key);
      pending.put(key, record);
      expiry.register(record.time + options.withinMs, key);
    }
    return matches;
  };

  return {
    onRecord(record, watermark) {
      // Behind the watermark the buffer has already moved past its time.
      if (record.time < watermark) return options.late(record, 'behind the pattern buffer');
      buffer.register(record.time, `${encodeURIComponent(record.key)}|${nextSequence()}`, record);
    },
    onWatermark(watermark, emit) {
      for (const { payload } of buffer.takeDue(watermark - 1)) {
        for (const match of inOrder(payload as StreamRecord)) emit(match);
      }
      for (const { id } of expiry.takeDue(watermark - 1)) pending.delete(id);
    },
    forward: (watermark) => watermark,
  };
}
