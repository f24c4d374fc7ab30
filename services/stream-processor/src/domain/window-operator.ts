import type { Emit, LateSink, Operator } from './operator.ts';
import type { Row, StreamRecord } from './record.ts';
import { scopedStore } from './state-store.ts';
import type { StateStore } from './state-store.ts';
import { createTimerIndex, timeKey } from './timers.ts';
import { fixedWindowsOf, sessionOf, sessionsOverlap } from './windows.ts';
import type { TimeWindow, WindowSpec } from './windows.ts';

/** What a window keeps and emits: an aggregate, or the two sides of a join. */
export interface WindowFunction<A> {
  init(): A;
  add(acc: A, record: StreamRecord): A;
  merge(a: A, b: A): A;
  results(acc: A, key: string, window: TimeWindow): Row[];
}

export interface WindowOperatorOptions<A> {
  spec: WindowSpec;
  fn: WindowFunction<A>;
  /** A window stays open this long after the watermark passed its end. */
  allowedLatenessMs: number;
  /** `final`: one result when the window closes; `changes`: an update after every event too. */
  emit: 'final' | 'changes';
  store: StateStore;
  late: LateSink;
}

interface Session<A> {
  end: number;
  acc: A;
}

/**
 * Event-time windows on keyed state. State lives in the store (`w|key|start` for fixed
 * windows, `s|key|start` for sessions) with a close timer at end + lateness; a window fires
 * once when the watermark passes its timer, then its state is deleted.
 */
export function createWindowOperator<A>(options: WindowOperatorOptions<A>): Operator {
  const { spec, fn, allowedLatenessMs: lateness, store } = options;
  const timers = createTimerIndex(scopedStore(store, 't|'));
  const closed = (window: TimeWindow, watermark: number) => window.end + lateness <= watermark;
  const stateKey = (key: string, start: number) => `${encodeURIComponent(key)}|${timeKey(start)}`;

  const emitResults = (acc: A, key: string, window: TimeWindow, emit: Emit) => {
    for (const row of fn.results(acc, key, window)) emit({ key, time: window.end - 1, row });
  };

  const addToFixed = (record: StreamRecord, watermark: number, emit: Emit) => {
    const windows = fixedWindowsOf(spec, record.time);
    const open = windows.filter((window) => !closed(window, watermark));
    if (open.length < windows.length) options.late(record, 'window closed');
    for (const window of open) {
      const id = stateKey(record.key, window.start);
      const existing = store.get(`w|${id}`) as A | undefined;
      if (existing === undefined) timers.register(window.end + lateness, id, window.end);
      const acc = fn.add(existing ?? fn.init(), record);
      store.put(`w|${id}`, acc);
      if (options.emit === 'changes') emitResults(acc, record.key, window, emit);
    }
  };

  const addToSession = (record: StreamRecord, watermark: number, emit: Emit, gapMs: number) => {
    const prefix = `s|${encodeURIComponent(record.key)}|`;
    let merged: TimeWindow = sessionOf(gapMs, record.time);
    let acc = fn.add(fn.init(), record);
    const overlapping = store
      .range(prefix, `${prefix}~`)
      .map(([stateId, value]) => ({
        stateId,
        window: { start: Number(stateId.slice(prefix.length)), end: (value as Session<A>).end },
        acc: (value as Session<A>).acc,
      }))
      .filter(({ window }) => sessionsOverlap(window, merged));
    if (overlapping.length === 0 && closed(merged, watermark)) {
      options.late(record, 'session closed');
      return;
    }
    for (const session of overlapping) {
      store.delete(session.stateId);
      timers.cancel(session.window.end + lateness, session.stateId.slice(2));
      merged = {
        start: Math.min(merged.start, session.window.start),
        end: Math.max(merged.end, session.window.end),
      };
      acc = fn.merge(session.acc, acc);
    }
    const id = stateKey(record.key, merged.start);
    store.put(`s|${id}`, { end: merged.end, acc } satisfies Session<A>);
    timers.register(merged.end + lateness, id, merged.end);
    if (options.emit === 'changes') emitResults(acc, record.key, merged, emit);
  };

  return {
    onRecord(record, watermark, emit) {
      if (spec.kind === 'session') addToSession(record, watermark, emit, spec.gapMs);
      else addToFixed(record, watermark, emit);
    },
    onWatermark(watermark, emit) {
      const kind = spec.kind === 'session' ? 's' : 'w';
      for (const { id, payload } of timers.takeDue(watermark)) {
        const value = store.get(`${kind}|${id}`);
        store.delete(`${kind}|${id}`);
        if (value === undefined) continue;
        const separator = id.lastIndexOf('|');
        const key = decodeURIComponent(id.slice(0, separator));
        const window = { start: Number(id.slice(separator + 1)), end: payload as number };
        const acc = kind === 's' ? (value as Session<A>).acc : (value as A);
        if (options.emit === 'final') emitResults(acc, key, window, emit);
      }
    },
    // Results carry time end - 1 and appear once the watermark passed end + lateness.
    forward: (watermark) => watermark - lateness - 1,
  };
}
