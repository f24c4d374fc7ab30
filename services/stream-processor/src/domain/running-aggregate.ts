import type { Operator } from './operator.ts';
import type { Row, StreamRecord } from './record.ts';
import type { StateStore } from './state-store.ts';

export interface RunningAggregate<A> {
  init(): A;
  add(acc: A, record: StreamRecord): A;
  result(acc: A, key: string): Row;
}

/**
 * An aggregate per key over all time (no window): every record updates its key's
 * accumulator and emits the new result, which replaces the previous one downstream (a
 * changelog stream, as Kafka Streams' KTable). Only safe on a bounded number of keys.
 */
export function createRunningAggregateOperator<A>(
  fn: RunningAggregate<A>,
  store: StateStore,
): Operator {
  return {
    onRecord(record, _watermark, emit) {
      const acc = fn.add((store.get(record.key) as A | undefined) ?? fn.init(), record);
      store.put(record.key, acc);
      emit({ key: record.key, time: record.time, row: fn.result(acc, record.key) });
    },
    onWatermark() {},
    forward: (watermark) => watermark,
  };
}
