import type { Emit, Operator } from './operator.ts';
import type { StreamRecord } from './record.ts';

export interface Dataflow {
  /** Pushes one record through, each operator seeing the watermark of its input. */
  push(record: StreamRecord, watermark: number, sink: Emit): void;
  /** The source watermark moved from `from` to `to`: fire what became due, in order. */
  advance(from: number, to: number, sink: Emit): void;
  /** The watermark the last operator passes on when the source is at `watermark`. */
  output(watermark: number): number;
  /** Tells the operators that wait on processing time what time it is. */
  tick(now: number, watermark: number, sink: Emit): void;
}

/** A chain of operators; watermarks reach each one as its upstream forwards them. */
export function createDataflow(operators: Operator[]): Dataflow {
  const watermarkAt = (index: number, source: number) =>
    operators.slice(0, index).reduce((watermark, op) => op.forward(watermark), source);

  const pushFrom = (index: number, record: StreamRecord, source: number, sink: Emit): void => {
    const operator = operators[index];
    if (operator === undefined) return sink(record);
    operator.onRecord(record, watermarkAt(index, source), (out) =>
      pushFrom(index + 1, out, source, sink),
    );
  };

  return {
    push: (record, watermark, sink) => pushFrom(0, record, watermark, sink),
    output: (watermark) => watermarkAt(operators.length, watermark),
    tick(now, watermark, sink) {
      operators.forEach((operator, index) => {
        // Most operators ignore processing time: spare them the watermark computation.
        if (operator.onTick === undefined) return;
        operator.onTick(now, watermarkAt(index, watermark), (out) =>
          pushFrom(index + 1, out, watermark, sink),
        );
      });
    },
    advance(from, to, sink) {
      if (to <= from) return;
      operators.forEach((operator, index) => {
        // What fires here reaches downstream while it still sees the old watermark, so a
        // result is never late for the next window.
        operator.onWatermark(watermarkAt(index, to), (out) => pushFrom(index + 1, out, from, sink));
      });
    },
  };
}
