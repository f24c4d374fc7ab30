import type { StreamRecord } from './record.ts';

export type Emit = (record: StreamRecord) => void;

/**
 * One step of a dataflow. Records arrive with the watermark the operator currently sees;
 * `onWatermark` fires what became due, and `forward` says which watermark it passes on
 * (a window that waits for late data holds its downstream back by the allowed lateness).
 */
export interface Operator {
  onRecord(record: StreamRecord, watermark: number, emit: Emit): void;
  onWatermark(watermark: number, emit: Emit): void;
  forward(watermark: number): number;
  /**
   * Processing time passed (before each input of the task): set on operators that wait on a
   * quiet source, the stream-table join waiting for its table.
   */
  onTick?(now: number, watermark: number, emit: Emit): void;
  /**
   * Set on a repartition step: records after it move to the task that owns their key (through
   * a repartition topic on Kafka). In one process it is the identity.
   */
  repartition?: true;
  /** Set on a stream-table join whose table is read from its own (compacted) topic. */
  table?: TableSource;
}

/** A table's topic: keyed by the table's primary key, a null value (tombstone) deletes a row. */
export interface TableSource {
  topic: string;
  /** The row (or its deletion) as the join operator takes it; throws InputError on poison. */
  decode(value: Buffer | null, key: string | null): StreamRecord;
}

/** Where events that arrive after their window closed go, with the reason. */
export type LateSink = (record: StreamRecord, reason: string) => void;

/** map, filter, flatMap and keyBy: a function from one record to zero or more. */
export function statelessOperator(step: (record: StreamRecord) => StreamRecord[]): Operator {
  return {
    onRecord(record, _watermark, emit) {
      for (const out of step(record)) emit(out);
    },
    onWatermark() {},
    forward: (watermark) => watermark,
  };
}
