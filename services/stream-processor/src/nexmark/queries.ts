import type { QueryPlan } from '../domain/query-plan.ts';
import type { Row, StreamRecord } from '../domain/record.ts';
import { statelessOperator } from '../domain/operator.ts';
import { scopedStore } from '../domain/state-store.ts';
import { createWindowOperator } from '../domain/window-operator.ts';
import type { WindowFunction } from '../domain/window-operator.ts';
import type { Catalog } from '../sql/catalog.ts';
import { createSourceDecoder } from '../sql/decode-source.ts';
import { planQuery } from '../sql/plan-query.ts';
import type { PlanOptions } from '../sql/plan-query.ts';

export type NexmarkQuery = 'q0' | 'q1' | 'q2' | 'q3' | 'q5' | 'q7' | 'q8';

/** The queries the streaming SQL subset expresses, as Flink's Nexmark writes them. */
export const NEXMARK_SQL = {
  q0: 'SELECT auction, bidder, price, dateTime, extra FROM bid',
  q1: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
  q2: 'SELECT auction, price FROM bid WHERE auction % 123 = 0',
  q3: `SELECT P.name, P.city, P.state, A.id
FROM auction AS A JOIN persons AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')`,
} as const;

const SECOND = 1_000;

/** A plan written with the dataflow API (multi-stage windows the SQL subset cannot say). */
function apiPlan(
  name: string,
  catalog: Catalog,
  sources: { name: string; used: string[] }[],
  build: QueryPlan['operators'],
  columns: string[],
  options: PlanOptions,
): QueryPlan {
  return {
    name,
    decode: createSourceDecoder(
      sources.map(({ name: source, used }) => ({
        schema: catalog.get(source)!,
        used: new Set(used),
      })),
    ),
    operators: build,
    watermark: { outOfOrdernessMs: options.outOfOrdernessMs, idleTimeoutMs: options.idleTimeoutMs },
    columns,
    resultKey: (record) => `${record.key}|${record.time}|${JSON.stringify(record.row)}`,
  };
}

const keyBy = (field: string) => statelessOperator((r) => [{ ...r, key: String(r.row[field]) }]);

/** Folds rows into the ones that share the largest value of `field` (argmax with ties). */
function topRows(
  field: string,
  shape: (row: Row, windowEnd: number) => Row,
): WindowFunction<{ max: number; rows: Row[] }> {
  const add = (acc: { max: number; rows: Row[] }, row: Row) => {
    const value = row[field] as number;
    if (value > acc.max) return { max: value, rows: [row] };
    return value === acc.max ? { max: acc.max, rows: [...acc.rows, row] } : acc;
  };
  return {
    init: () => ({ max: -Infinity, rows: [] }),
    add: (acc, record: StreamRecord) => add(acc, record.row),
    merge: (a, b) => b.rows.reduce(add, a),
    results: (acc, _key, window) => acc.rows.map((row) => shape(row, window.end)),
  };
}

const countPerKey = (field: string): WindowFunction<number> => ({
  init: () => 0,
  add: (count) => count + 1,
  merge: (a, b) => a + b,
  results: (count, key, window) => [{ [field]: Number(key), num: count, window_end: window.end }],
});

/** q5 hot items: the auctions with the most bids in each 10 s window sliding by 2 s. */
function q5(catalog: Catalog, options: PlanOptions): QueryPlan {
  return apiPlan(
    'q5',
    catalog,
    [{ name: 'bid', used: ['auction'] }],
    (store, late) => [
      keyBy('auction'),
      createWindowOperator({
        spec: { kind: 'hop', sizeMs: 10 * SECOND, slideMs: 2 * SECOND },
        fn: countPerKey('auction'),
        allowedLatenessMs: options.allowedLatenessMs,
        emit: 'final',
        store: scopedStore(store, '1|'),
        late,
      }),
      keyBy('window_end'),
      createWindowOperator({
        spec: { kind: 'tumble', sizeMs: 2 * SECOND },
        fn: topRows('num', (row) => row),
        allowedLatenessMs: 0,
        emit: 'final',
        store: scopedStore(store, '2|'),
        late,
      }),
    ],
    ['auction', 'num', 'window_end'],
    options,
  );
}

/** q7 highest bid: the bids with the highest price in each 10 s tumbling window. */
function q7(catalog: Catalog, options: PlanOptions): QueryPlan {
  return apiPlan(
    'q7',
    catalog,
    [{ name: 'bid', used: ['auction', 'price', 'bidder', 'dateTime'] }],
    (store, late) => [
      statelessOperator((r) => [{ ...r, key: 'all' }]),
      createWindowOperator({
        spec: { kind: 'tumble', sizeMs: 10 * SECOND },
        fn: topRows('price', (row, windowEnd) => ({
          auction: row.auction,
          price: row.price,
          bidder: row.bidder,
          dateTime: row.dateTime,
          window_end: windowEnd,
        })),
        allowedLatenessMs: options.allowedLatenessMs,
        emit: 'final',
        store,
        late,
      }),
    ],
    ['auction', 'price', 'bidder', 'dateTime', 'window_end'],
    options,
  );
}

interface NewUser {
  name: string | null;
  auctions: number;
}

/** q8 monitor new users: people who registered and opened an auction in the same 10 s window. */
function q8(catalog: Catalog, options: PlanOptions): QueryPlan {
  const sameWindow: WindowFunction<NewUser> = {
    init: () => ({ name: null, auctions: 0 }),
    add: (acc, record) =>
      record.row.type === 'person'
        ? { ...acc, name: record.row.name as string }
        : { ...acc, auctions: acc.auctions + 1 },
    merge: (a, b) => ({ name: a.name ?? b.name, auctions: a.auctions + b.auctions }),
    results: (acc, key, window) =>
      acc.name !== null && acc.auctions > 0
        ? [{ id: Number(key), name: acc.name, starttime: window.start }]
        : [],
  };
  return apiPlan(
    'q8',
    catalog,
    [
      { name: 'person', used: ['id', 'name'] },
      { name: 'auction', used: ['seller'] },
    ],
    (store, late) => [
      statelessOperator((r) => [
        { ...r, key: String(r.row.type === 'person' ? r.row.id : r.row.seller) },
      ]),
      createWindowOperator({
        spec: { kind: 'tumble', sizeMs: 10 * SECOND },
        fn: sameWindow,
        allowedLatenessMs: options.allowedLatenessMs,
        emit: 'final',
        store,
        late,
      }),
    ],
    ['id', 'name', 'starttime'],
    options,
  );
}

export function nexmarkQuery(
  query: NexmarkQuery,
  catalog: Catalog,
  options: PlanOptions,
): QueryPlan {
  if (query === 'q5') return q5(catalog, options);
  if (query === 'q7') return q7(catalog, options);
  if (query === 'q8') return q8(catalog, options);
  return planQuery(NEXMARK_SQL[query], catalog, options).plan;
}
