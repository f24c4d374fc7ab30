import { createDataflow } from './dataflow.ts';
import type { QueryPlan } from './query-plan.ts';
import type { StreamRecord } from './record.ts';
import type { StateStore } from './state-store.ts';
import {
  currentWatermark,
  expectSources,
  initialWatermark,
  markIdle,
  observeEvent,
} from './watermark-tracker.ts';
import type { WatermarkState } from './watermark-tracker.ts';

export type TaskOutput =
  { kind: 'result'; record: StreamRecord } | { kind: 'late'; record: StreamRecord; reason: string };

export interface Task {
  /** One decoded event from `source` (a topic partition); returns what it produced. */
  process(source: string, record: StreamRecord, now: number): TaskOutput[];
  /**
   * A row of a table read from its own topic: it updates state at the current watermark and
   * never moves it (a quiet table must not hold windows back), as Kafka Streams' KTable.
   * A join holds its own output back until the table has caught up (see the join operator).
   */
  update(record: StreamRecord, now: number): TaskOutput[];
  /** An upstream task (before a repartition) reports its watermark. */
  observe(source: string, watermark: number, now: number): TaskOutput[];
  /** An upstream task announces that its input went quiet: it stops holding the watermark. */
  idle(source: string, now: number): TaskOutput[];
  /** Bounded input ended (tests, benchmarks): every window closes. */
  endOfInput(): TaskOutput[];
  watermark(): number;
  /** The watermark this task's last operator passes on: what a downstream stage is told. */
  outputWatermark(): number;
}

/** A watermark past any event time the timers can hold. */
const END_OF_TIME = 9e15;

const WATERMARK_KEY = 'task|watermark';

/**
 * One task of a query: its operators on its own state store, and the watermark kept in that
 * same store, so a restored task continues exactly where its committed state left off.
 */
export function createTask(plan: QueryPlan, store: StateStore): Task {
  let outputs: TaskOutput[] = [];
  const late = (record: StreamRecord, reason: string) =>
    outputs.push({ kind: 'late', record, reason });
  const sink = (record: StreamRecord) => outputs.push({ kind: 'result', record });
  const flow = createDataflow(plan.operators(store, late));
  const load = () => (store.get(WATERMARK_KEY) as WatermarkState | undefined) ?? initialWatermark();

  const advance = (state: WatermarkState, now: number) => {
    expectSources(state, plan.watermark.upstream ?? [], now);
    const before = state.emitted;
    const after = currentWatermark(state, plan.watermark, now);
    flow.advance(before, after, sink);
    store.put(WATERMARK_KEY, state);
  };
  /** Every input first tells the operators the processing time (a join's quiet table). */
  const tick = (state: WatermarkState, now: number) => flow.tick(now, state.emitted, sink);
  const drain = () => {
    const produced = outputs;
    outputs = [];
    return produced;
  };

  return {
    process(source, record, now) {
      const state = load();
      tick(state, now);
      flow.push(record, state.emitted, sink);
      // After a repartition the upstream tasks' reports move the watermark, not record times.
      if (plan.watermark.upstream === undefined) observeEvent(state, source, record.time, now);
      advance(state, now);
      return drain();
    },
    update(record, now) {
      const state = load();
      tick(state, now);
      flow.push(record, state.emitted, sink);
      return drain();
    },
    observe(source, watermark, now) {
      const state = load();
      tick(state, now);
      observeEvent(state, source, watermark, now);
      advance(state, now);
      return drain();
    },
    idle(source, now) {
      const state = load();
      tick(state, now);
      markIdle(state, source, now);
      advance(state, now);
      return drain();
    },
    endOfInput() {
      const state = load();
      // The end of time: every table is caught up, every waiting event joins.
      flow.tick(END_OF_TIME, END_OF_TIME, sink);
      flow.advance(state.emitted, END_OF_TIME, sink);
      state.emitted = END_OF_TIME;
      store.put(WATERMARK_KEY, state);
      return drain();
    },
    watermark: () => load().emitted,
    outputWatermark: () => flow.output(load().emitted),
  };
}
