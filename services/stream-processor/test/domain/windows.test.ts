import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRow, aggregateResults, initAccumulators } from '../../src/domain/aggregates.ts';
import type { Accumulator, AggregateSpec } from '../../src/domain/aggregates.ts';
import { createDataflow } from '../../src/domain/dataflow.ts';
import type { StreamRecord } from '../../src/domain/record.ts';
import { createMemoryStore } from '../../src/domain/state-store.ts';
import { createWindowOperator } from '../../src/domain/window-operator.ts';
import { fixedWindowsOf } from '../../src/domain/windows.ts';
import type { WindowSpec } from '../../src/domain/windows.ts';

const COUNT_AND_SUM: AggregateSpec[] = [
  { kind: 'count', as: 'n' },
  { kind: 'sum', field: (row) => row.v, as: 'sum' },
];

/** Runs one window operator over records in arrival order, with a watermark trailing by `delay`. */
function runWindows(spec: WindowSpec, records: StreamRecord[], delay: number, lateness: number) {
  const late: StreamRecord[] = [];
  const results: { key: string; start: number; end: number; n: unknown; sum: unknown }[] = [];
  const flow = createDataflow([
    createWindowOperator<Accumulator[]>({
      spec,
      fn: {
        init: () => initAccumulators(COUNT_AND_SUM),
        add: (acc, record) => addRow(COUNT_AND_SUM, acc, record.row),
        merge: (a, b) => a.map((x, i) => (x as number) + (b[i] as number)),
        results: (acc, key, window) => [
          { key, ...window, ...aggregateResults(COUNT_AND_SUM, acc) },
        ],
      },
      allowedLatenessMs: lateness,
      emit: 'final',
      store: createMemoryStore(),
      late: (record) => late.push(record),
    }),
  ]);
  const sink = (record: StreamRecord) => results.push(record.row as (typeof results)[number]);
  let watermark = -1;
  let maxTime = -1;
  for (const record of records) {
    flow.push(record, watermark, sink);
    maxTime = Math.max(maxTime, record.time);
    const next = Math.max(watermark, maxTime - delay);
    flow.advance(watermark, next, sink);
    watermark = next;
  }
  flow.advance(watermark, 9e15, sink);
  return { results, late };
}

/** The batch answer: group every record by key and window. */
function batchAnswer(spec: WindowSpec, records: StreamRecord[]) {
  const groups = new Map<
    string,
    { key: string; start: number; end: number; n: number; sum: number }
  >();
  for (const record of records) {
    for (const window of fixedWindowsOf(spec, record.time)) {
      const id = `${record.key}|${window.start}`;
      const group = groups.get(id) ?? { key: record.key, ...window, n: 0, sum: 0 };
      group.n += 1;
      group.sum += record.row.v as number;
      groups.set(id, group);
    }
  }
  return [...groups.values()];
}

const sorted = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort();

/** Records in time order, then displaced by at most `disorder` ms of event time. */
const disorderedRecords = (disorder: number) =>
  fc
    .array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c'),
        gap: fc.nat(300),
        v: fc.integer({ min: -5, max: 5 }),
        jitter: fc.nat(disorder),
      }),
      { maxLength: 120 },
    )
    .map((items) => {
      let time = 10_000;
      const records = items.map(({ key, gap, v, jitter }) => {
        time += gap;
        return { key, time, row: { v }, arrival: time + jitter };
      });
      return records
        .sort((x, y) => x.arrival - y.arrival)
        .map(({ key, time, row }) => ({ key, time, row }));
    });

describe('event-time windows', () => {
  const specs: WindowSpec[] = [
    { kind: 'tumble', sizeMs: 1_000 },
    { kind: 'hop', sizeMs: 2_000, slideMs: 500 },
  ];
  it.each(specs)(
    'equal the batch answer for out-of-order input within the allowed lateness (%o)',
    (spec) => {
      fc.assert(
        fc.property(disorderedRecords(1_500), (records) => {
          // Watermark trails by 500 ms; 1,000 ms of lateness covers the rest of the 1,500 ms disorder.
          const { results, late } = runWindows(spec, records, 500, 1_000);
          expect(late).toEqual([]);
          expect(sorted(results)).toEqual(sorted(batchAnswer(spec, records)));
        }),
      );
    },
  );

  it('routes events behind the allowed lateness to the late output, and nowhere else', () => {
    fc.assert(
      fc.property(disorderedRecords(5_000), (records) => {
        const spec: WindowSpec = { kind: 'tumble', sizeMs: 1_000 };
        const { results, late } = runWindows(spec, records, 0, 200);
        const counted = results.reduce((total, row) => total + (row.n as number), 0);
        expect(counted + late.length).toBe(records.length);
        const accepted = records.filter((record) => !late.includes(record));
        expect(sorted(results)).toEqual(sorted(batchAnswer(spec, accepted)));
      }),
    );
  });

  it('merges session windows that an event bridges', () => {
    const records = [1_000, 1_400, 2_800, 1_800, 2_300].map((time) => ({
      key: 'k',
      time,
      row: { v: 1 },
    }));
    const { results } = runWindows({ kind: 'session', gapMs: 600 }, records, 5_000, 0);
    expect(results).toEqual([{ key: 'k', start: 1_000, end: 3_400, n: 5, sum: 5 }]);
  });

  it('keeps sessions apart when the gap is wider', () => {
    const records = [1_000, 1_200, 5_000].map((time) => ({ key: 'k', time, row: { v: 2 } }));
    const { results } = runWindows({ kind: 'session', gapMs: 500 }, records, 0, 0);
    expect(results).toEqual([
      { key: 'k', start: 1_000, end: 1_700, n: 2, sum: 4 },
      { key: 'k', start: 5_000, end: 5_500, n: 1, sum: 2 },
    ]);
  });

  it('assigns hopping windows so that each event is in size/slide of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 1e9 }), (time) => {
        const windows = fixedWindowsOf({ kind: 'hop', sizeMs: 3_000, slideMs: 1_000 }, time);
        expect(windows).toHaveLength(3);
        for (const { start, end } of windows) expect(start <= time && time < end).toBe(true);
      }),
    );
  });
});
