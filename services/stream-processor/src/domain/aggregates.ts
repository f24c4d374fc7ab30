import { sortedIndex } from './sorted-index.ts';
import type { Row } from './record.ts';

export type AggregateKind = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';

/** One aggregate column: `field` undefined means COUNT(*). */
export interface AggregateSpec {
  kind: AggregateKind;
  field?: (row: Row) => unknown;
  as: string;
}

/** JSON-able so it can live in the state store and its changelog. */
type Accumulator = number | null | { sum: number; count: number } | string[];

export function initAccumulators(specs: AggregateSpec[]): Accumulator[] {
  return specs.map(({ kind }) => {
    if (kind === 'count' || kind === 'sum') return 0;
    if (kind === 'avg') return { sum: 0, count: 0 };
    if (kind === 'count_distinct') return [];
    return null;
  });
}

/** Folds one row in; SQL semantics: NULL inputs are ignored except by COUNT(*). */
export function addRow(specs: AggregateSpec[], accs: Accumulator[], row: Row): Accumulator[] {
  return specs.map((spec, i) => {
    const acc = accs[i]!;
    if (spec.field === undefined) return (acc as number) + 1;
    const value = spec.field(row);
    if (value === null || value === undefined) return acc;
    return foldValue(spec.kind, acc, value);
  });
}

function foldValue(kind: AggregateKind, acc: Accumulator, value: unknown): Accumulator {
  switch (kind) {
    case 'count':
      return (acc as number) + 1;
    case 'sum':
      return (acc as number) + Number(value);
    case 'avg': {
      const { sum, count } = acc as { sum: number; count: number };
      return { sum: sum + Number(value), count: count + 1 };
    }
    case 'min':
      return acc === null ? Number(value) : Math.min(acc as number, Number(value));
    case 'max':
      return acc === null ? Number(value) : Math.max(acc as number, Number(value));
    case 'count_distinct':
      return insertSorted(acc as string[], JSON.stringify(value));
  }
}

function insertSorted(values: string[], value: string): string[] {
  const low = sortedIndex(values, value);
  if (values[low] === value) return values;
  return [...values.slice(0, low), value, ...values.slice(low)];
}

/** Combines the accumulators of two session windows that merge. */
export function mergeAccumulators(
  specs: AggregateSpec[],
  a: Accumulator[],
  b: Accumulator[],
): Accumulator[] {
  return specs.map(({ kind }, i) => {
    const [x, y] = [a[i]!, b[i]!];
    if (kind === 'count' || kind === 'sum') return (x as number) + (y as number);
    if (kind === 'avg') {
      const [p, q] = [x as { sum: number; count: number }, y as { sum: number; count: number }];
      return { sum: p.sum + q.sum, count: p.count + q.count };
    }
    if (kind === 'count_distinct') return (y as string[]).reduce(insertSorted, x as string[]);
    if (x === null) return y;
    if (y === null) return x;
    return kind === 'min' ? Math.min(x as number, y as number) : Math.max(x as number, y as number);
  });
}

export function aggregateResults(specs: AggregateSpec[], accs: Accumulator[]): Row {
  const row: Row = {};
  specs.forEach((spec, i) => {
    const acc = accs[i]!;
    if (spec.kind === 'avg') {
      const { sum, count } = acc as { sum: number; count: number };
      row[spec.as] = count === 0 ? null : sum / count;
    } else if (spec.kind === 'count_distinct') row[spec.as] = (acc as string[]).length;
    else row[spec.as] = acc;
  });
  return row;
}

export type { Accumulator };
