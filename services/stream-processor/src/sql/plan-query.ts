import {
  aggregateResults,
  addRow,
  initAccumulators,
  mergeAccumulators,
} from '../domain/aggregates.ts';
import type { Accumulator, AggregateKind, AggregateSpec } from '../domain/aggregates.ts';
import { statelessOperator } from '../domain/operator.ts';
import type { QueryPlan } from '../domain/query-plan.ts';
import type { Row, StreamRecord } from '../domain/record.ts';
import { repartition } from '../domain/stages.ts';
import { DEFAULT_TABLE_IDLE_TIMEOUT_MS } from '../domain/table-join-operator.ts';
import { createWindowOperator } from '../domain/window-operator.ts';
import { validateWindowSpec } from '../domain/windows.ts';
import type { WindowSpec } from '../domain/windows.ts';
import type { Expr, Select } from './ast.ts';
import type { Catalog, SourceSchema } from './catalog.ts';
import { compileExpression } from './compile-expression.ts';
import type { Evaluate, ResolveColumn } from './compile-expression.ts';
import { createSourceDecoder } from './decode-source.ts';
import { parseStatement } from './parser.ts';
import { planJoin, qualify } from './plan-join.ts';
import { splitWhere } from './split-where.ts';
import { sqlError } from './sql-error.ts';

export interface PlanOptions {
  allowedLatenessMs: number;
  outOfOrdernessMs: number;
  idleTimeoutMs: number;
  /** How long a join's events wait at most for a quiet table (default 5 s, see the join). */
  tableIdleTimeoutMs?: number;
}

export interface PlannedQuery {
  /** The stream a `CREATE STREAM … AS` names, else undefined (an ad-hoc SELECT). */
  name: string | undefined;
  topic: string;
  plan: QueryPlan;
}

const AGGREGATES: Record<string, AggregateKind> = {
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
};
const WINDOW_FUNCTIONS = new Set(['TUMBLE', 'HOP', 'SESSION']);
const WINDOW_COLUMNS = new Set(['window_start', 'window_end']);

export interface Scope {
  sources: { alias: string; schema: SourceSchema }[];
  /** Columns each source's events must carry with the right type. */
  used: Map<string, Set<string>>;
  qualified: boolean;
}

/** Parses, checks and compiles one statement; nothing runs until the plan is deployed. */
export function planQuery(sql: string, catalog: Catalog, options: PlanOptions): PlannedQuery {
  const statement = parseStatement(sql);
  if (statement.kind === 'table') {
    throw sqlError(
      'not_a_query',
      'CREATE TABLE registers a table; JOIN it in a query',
      statement.at,
    );
  }
  const { select } = statement;
  const scope = resolveSources(select, catalog);
  const resolve = columnResolver(scope);
  // Conjuncts on the stream alone filter before the join (and its repartition).
  const where = select.join
    ? splitWhere(select.where, resolve, scope.sources[0]!.alias)
    : { stream: undefined, joined: select.where };
  const join =
    select.join &&
    planJoin(select.join, scope, resolve, {
      partitionedBy: partitionColumn(scope),
      tableIdleTimeoutMs: options.tableIdleTimeoutMs ?? DEFAULT_TABLE_IDLE_TIMEOUT_MS,
      streamWhere: where.stream && compileExpression(where.stream, resolve),
    });
  const partitionedBy = join ? join.partitionedBy : partitionColumn(scope);
  const filter = where.joined && compileExpression(where.joined, resolve);
  const body = isAggregate(select)
    ? planAggregate(select, resolve, options, partitionedBy)
    : planProjection(select, resolve);
  const name = statement.kind === 'create' ? statement.name : 'select';
  const plan: QueryPlan = {
    name,
    decode: createDecoder(scope),
    operators: (store, late) => [
      ...(join ? join.operators(store) : []),
      ...(filter ? [statelessOperator((r) => (filter(r.row) === true ? [r] : []))] : []),
      ...body.operators(store, late),
    ],
    watermark: { outOfOrdernessMs: options.outOfOrdernessMs, idleTimeoutMs: options.idleTimeoutMs },
    columns: body.columns,
    resultKey: body.resultKey,
  };
  return {
    name: statement.kind === 'create' ? statement.name : undefined,
    topic: scope.sources[0]!.schema.topic,
    plan,
  };
}

function resolveSources(select: Select, catalog: Catalog): Scope {
  const lookup = (ref: Select['from']) => {
    const schema = catalog.get(ref.name.toLowerCase());
    if (schema === undefined) {
      throw sqlError('unknown_source', `unknown stream or table '${ref.name}'`, ref.at);
    }
    return { alias: ref.alias.toLowerCase(), schema };
  };
  const from = lookup(select.from);
  if (from.schema.kind === 'table') {
    throw sqlError(
      'table_as_stream',
      `'${select.from.name}' is a table: read a stream and JOIN the table`,
      select.from.at,
    );
  }
  const sources = [from];
  if (select.join) {
    const joined = lookup(select.join.source);
    if (joined.schema.kind !== 'table') {
      throw sqlError(
        'unsupported_join',
        'only stream-table joins are supported in SQL (join a table)',
        select.join.source.at,
      );
    }
    sources.push(joined);
  }
  return {
    sources,
    used: new Map(sources.map(({ alias }) => [alias, new Set<string>()])),
    qualified: sources.length > 1,
  };
}

function columnResolver(scope: Scope): ResolveColumn {
  return (column) => {
    const candidates = scope.sources.filter(
      ({ alias, schema }) =>
        (column.table === undefined || column.table.toLowerCase() === alias) &&
        column.name in schema.columns,
    );
    if (candidates.length === 0) {
      const where = column.table === undefined ? '' : ` in '${column.table}'`;
      throw sqlError('unknown_column', `unknown column '${column.name}'${where}`, column.at);
    }
    if (candidates.length > 1) {
      throw sqlError(
        'ambiguous_column',
        `column '${column.name}' is ambiguous: qualify it`,
        column.at,
      );
    }
    const { alias } = candidates[0]!;
    scope.used.get(alias)!.add(column.name);
    return scope.qualified ? `${alias}.${column.name}` : column.name;
  };
}

/** The stream's topic carries the stream (the table is read from its own, see `planJoin`). */
function createDecoder(scope: Scope): QueryPlan['decode'] {
  const { alias, schema } = scope.sources[0]!;
  return createSourceDecoder([
    {
      schema,
      used: scope.used.get(alias)!,
      toRow: scope.qualified ? (raw: Row) => qualify(raw, alias, false) : undefined,
    },
  ]);
}

/** The column the stream's topic is partitioned by, as rows name it after decoding. */
function partitionColumn(scope: Scope): string | undefined {
  const { alias, schema } = scope.sources[0]!;
  if (schema.key === undefined) return undefined;
  return scope.qualified ? `${alias}.${schema.key}` : schema.key;
}

function isAggregate(select: Select): boolean {
  return select.groupBy.length > 0 || select.items.some(({ expr }) => containsAggregate(expr));
}

function containsAggregate(expr: Expr): boolean {
  if (expr.kind === 'call') return expr.name in AGGREGATES;
  if (expr.kind === 'binary') return containsAggregate(expr.left) || containsAggregate(expr.right);
  if (expr.kind === 'not') return containsAggregate(expr.expr);
  if (expr.kind === 'in') return containsAggregate(expr.expr) || expr.list.some(containsAggregate);
  return false;
}

interface Body {
  operators: QueryPlan['operators'];
  columns: string[];
  resultKey: QueryPlan['resultKey'];
}

function outputName(item: Select['items'][number], index: number): string {
  if (item.alias !== undefined) return item.alias;
  if (item.expr.kind === 'column') return item.expr.name;
  if (item.expr.kind === 'call') return item.expr.name.toLowerCase();
  return `column_${index + 1}`;
}

function planProjection(select: Select, resolve: ResolveColumn): Body {
  if (select.having)
    throw sqlError('having_without_group', 'HAVING needs GROUP BY', select.having.at);
  const columns = select.items.map(outputName);
  const values = select.items.map(({ expr }) => compileExpression(expr, resolve));
  const project = (row: Row): Row =>
    Object.fromEntries(columns.map((column, i) => [column, values[i]!(row)]));
  return {
    operators: () => [statelessOperator((r) => [{ ...r, row: project(r.row) }])],
    columns,
    resultKey: (record) => JSON.stringify(record.row),
  };
}

function planAggregate(
  select: Select,
  resolve: ResolveColumn,
  options: PlanOptions,
  partitionedBy: string | undefined,
): Body {
  const windowCalls = select.groupBy.filter(
    (expr) => expr.kind === 'call' && WINDOW_FUNCTIONS.has(expr.name),
  );
  if (windowCalls.length === 0) {
    const at =
      select.groupBy[0]?.at ?? select.items.find(({ expr }) => containsAggregate(expr))!.expr.at;
    throw sqlError(
      'unbounded_aggregation',
      'aggregation over an unbounded stream needs a window: GROUP BY TUMBLE(…), HOP(…) or SESSION(…)',
      at,
    );
  }
  if (windowCalls.length > 1)
    throw sqlError('two_windows', 'GROUP BY takes one window function', windowCalls[1]!.at);
  const spec = windowSpecOf(windowCalls[0] as Extract<Expr, { kind: 'call' }>, resolve);
  const groups = select.groupBy.filter((expr) => expr !== windowCalls[0]);
  const groupFields = groups.map((expr) => {
    if (expr.kind !== 'column')
      throw sqlError('unsupported_group', 'GROUP BY takes columns and one window', expr.at);
    return resolve(expr);
  });
  const aggregates: AggregateSpec[] = [];
  const resultResolver = (expr: Extract<Expr, { kind: 'column' }>): string => {
    if (expr.table === '#') return expr.name;
    if (expr.table === undefined && WINDOW_COLUMNS.has(expr.name.toLowerCase()))
      return expr.name.toLowerCase();
    const field = resolve(expr);
    const group = groupFields.indexOf(field);
    if (group === -1) {
      throw sqlError(
        'not_grouped',
        `column '${expr.name}' must be in GROUP BY or inside an aggregate`,
        expr.at,
      );
    }
    return `group_${group}`;
  };
  const overResults = (expr: Expr): Evaluate =>
    compileExpression(replaceAggregates(expr, aggregates, resolve), resultResolver);
  const columns = select.items.map(outputName);
  const values = select.items.map(({ expr }) => overResults(expr));
  const having = select.having && overResults(select.having);

  const fn = {
    init: () => initAccumulators(aggregates),
    add: (acc: Accumulator[], record: StreamRecord) => addRow(aggregates, acc, record.row),
    merge: (a: Accumulator[], b: Accumulator[]) => mergeAccumulators(aggregates, a, b),
    results: (acc: Accumulator[], key: string, window: { start: number; end: number }): Row[] => {
      const keyValues = JSON.parse(key) as unknown[];
      const result: Row = {
        window_start: window.start,
        window_end: window.end,
        ...aggregateResults(aggregates, acc),
      };
      keyValues.forEach((value, i) => (result[`group_${i}`] = value));
      if (having && having(result) !== true) return [];
      return [Object.fromEntries(columns.map((column, i) => [column, values[i]!(result)]))];
    },
  };
  // Rows of one group are in one input partition only if the topic is keyed by a group column;
  // otherwise they must first move to the task owning their group key.
  const colocated = partitionedBy !== undefined && groupFields.includes(partitionedBy);
  return {
    operators: (store, late) => [
      statelessOperator((r) => [
        { ...r, key: JSON.stringify(groupFields.map((f) => r.row[f] ?? null)) },
      ]),
      ...(colocated ? [] : [repartition()]),
      createWindowOperator({
        spec,
        fn,
        allowedLatenessMs: options.allowedLatenessMs,
        emit: select.emit,
        store,
        late,
      }),
    ],
    columns,
    resultKey: (record) => `${record.key}|${record.time}`,
  };
}

function windowSpecOf(call: Extract<Expr, { kind: 'call' }>, resolve: ResolveColumn): WindowSpec {
  const [time, ...durations] = call.args;
  const arity = call.name === 'HOP' ? 2 : 1;
  if (
    time?.kind !== 'column' ||
    durations.length !== arity ||
    durations.some((d) => d.kind !== 'interval')
  ) {
    const shape =
      call.name === 'HOP'
        ? 'HOP(time, INTERVAL slide, INTERVAL size)'
        : `${call.name}(time, INTERVAL …)`;
    throw sqlError('bad_window', `expected ${shape}`, call.at);
  }
  resolve(time);
  const ms = durations.map((d) => (d as Extract<Expr, { kind: 'interval' }>).ms);
  const spec: WindowSpec =
    call.name === 'TUMBLE'
      ? { kind: 'tumble', sizeMs: ms[0]! }
      : call.name === 'HOP'
        ? { kind: 'hop', slideMs: ms[0]!, sizeMs: ms[1]! }
        : { kind: 'session', gapMs: ms[0]! };
  const problem = validateWindowSpec(spec);
  if (problem !== undefined) throw sqlError('bad_window', problem, call.at);
  return spec;
}

/** Swaps each aggregate call for a reference to its result column `agg_<i>`. */
function replaceAggregates(expr: Expr, aggregates: AggregateSpec[], resolve: ResolveColumn): Expr {
  switch (expr.kind) {
    case 'call': {
      const kind = AGGREGATES[expr.name];
      if (kind === undefined) {
        throw sqlError('unknown_function', `unknown function ${expr.name}`, expr.at);
      }
      if (!expr.star && expr.args.length !== 1) {
        throw sqlError('bad_arguments', `${expr.name} takes one argument`, expr.at);
      }
      if (expr.star && kind !== 'count')
        throw sqlError('bad_arguments', `${expr.name}(*) is not valid`, expr.at);
      if (expr.distinct && kind !== 'count') {
        throw sqlError('bad_arguments', 'DISTINCT is supported in COUNT only', expr.at);
      }
      if (expr.args[0] !== undefined && containsAggregate(expr.args[0])) {
        throw sqlError('nested_aggregate', 'aggregates cannot be nested', expr.args[0].at);
      }
      const field = expr.star ? undefined : compileExpression(expr.args[0]!, resolve);
      const as = `agg_${aggregates.length}`;
      aggregates.push({ kind: expr.distinct ? 'count_distinct' : kind, field, as });
      // Table '#' marks a generated reference no user column can collide with.
      return { kind: 'column', table: '#', name: as, at: expr.at };
    }
    case 'binary':
      return {
        ...expr,
        left: replaceAggregates(expr.left, aggregates, resolve),
        right: replaceAggregates(expr.right, aggregates, resolve),
      };
    case 'not':
      return { ...expr, expr: replaceAggregates(expr.expr, aggregates, resolve) };
    case 'in':
      return {
        ...expr,
        expr: replaceAggregates(expr.expr, aggregates, resolve),
        list: expr.list.map((e) => replaceAggregates(e, aggregates, resolve)),
      };
    default:
      return expr;
  }
}
