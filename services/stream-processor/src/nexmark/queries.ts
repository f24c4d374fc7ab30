import type { QueryPlan } from '../domain/query-plan.ts';
import type { Row, StreamRecord } from '../domain/record.ts';
import { statelessOperator } from '../domain/operator.ts';
import { createRunningAggregateOperator } from '../domain/running-aggregate.ts';
import { repartition } from '../domain/stages.ts';
import { scopedStore } from '../domain/state-store.ts';
import { createWindowOperator } from '../domain/window-operator.ts';
import type { WindowFunction } from '../domain/window-operator.ts';
import type { Catalog } from '../sql/catalog.ts';
import { createSourceDecoder } from '../sql/decode-source.ts';
import { planQuery } from '../sql/plan-query.ts';
import type { PlanOptions } from '../sql/plan-query.ts';
import { createAuctionCloseOperator } from './auction-close.ts';

export type NexmarkQuery = 'q0' | 'q1' | 'q2' | 'q3' | 'q4' | 'q5' | 'q7' | 'q8';

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

/**
 * A plan written with the dataflow API (multi-stage windows the SQL subset cannot say). The
 * Nexmark topic is keyed by auction id for bids and auctions, by id for people: a keyBy on
 * anything else is followed by `repartition()`, so each query is exact on any partition count.
 */
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
      repartition(),
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

/**
 * q7 highest bid: the bids with the highest price in each 10 s tumbling window. Two-phase, as
 * Flink plans a global aggregate: each task keeps the top bids of its own partitions per
 * window, and only those candidates are repartitioned to one key for the global top.
 */
function q7(catalog: Catalog, options: PlanOptions): QueryPlan {
  const tumble = { kind: 'tumble', sizeMs: 10 * SECOND } as const;
  return apiPlan(
    'q7',
    catalog,
    [{ name: 'bid', used: ['auction', 'price', 'bidder', 'dateTime'] }],
    (store, late) => [
      statelessOperator((r) => [{ ...r, key: 'all' }]),
      createWindowOperator({
        spec: tumble,
        fn: topRows('price', (row, windowEnd) => ({
          auction: row.auction,
          price: row.price,
          bidder: row.bidder,
          dateTime: row.dateTime,
          window_end: windowEnd,
        })),
        allowedLatenessMs: options.allowedLatenessMs,
        emit: 'final',
        store: scopedStore(store, '1|'),
        late,
      }),
      repartition(),
      createWindowOperator({
        spec: tumble,
        fn: topRows('price', (row) => row),
        allowedLatenessMs: 0,
        emit: 'final',
        store: scopedStore(store, '2|'),
        late,
      }),
    ],
    ['auction', 'price', 'bidder', 'dateTime', 'window_end'],
    options,
  );
}

/**
 * q4 average closing price per category: an auction's closing price is its highest bid within
 * its lifetime, known when it expires; then a running average per category, updated as each
 * auction closes (the latest row per category is the answer so far).
 */
function q4(catalog: Catalog, options: PlanOptions): QueryPlan {
  const average = {
    init: () => ({ sum: 0, count: 0 }),
    add: (acc: { sum: number; count: number }, record: StreamRecord) => ({
      sum: acc.sum + (record.row.price as number),
      count: acc.count + 1,
    }),
    result: (acc: { sum: number; count: number }, key: string) => ({
      category: Number(key),
      avg_price: acc.sum / acc.count,
    }),
  };
  return {
    ...apiPlan(
      'q4',
      catalog,
      [
        { name: 'auction', used: ['id', 'category', 'dateTime', 'expires'] },
        { name: 'bid', used: ['auction', 'price'] },
      ],
      (store) => [
        statelessOperator((r) => [
          { ...r, key: String(r.row.type === 'auction' ? r.row.id : r.row.auction) },
        ]),
        createAuctionCloseOperator(scopedStore(store, '1|')),
        repartition(),
        createRunningAggregateOperator(average, scopedStore(store, '2|')),
      ],
      ['category', 'avg_price'],
      options,
    ),
    resultKey: (record) => record.key,
  };
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
      repartition(),
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
  if (query === 'q4') return q4(catalog, options);
  if (query === 'q5') return q5(catalog, options);
  if (query === 'q7') return q7(catalog, options);
  if (query === 'q8') return q8(catalog, options);
  return planQuery(NEXMARK_SQL[query], catalog, options).plan;
}
