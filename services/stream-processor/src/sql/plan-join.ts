import { statelessOperator } from '../domain/operator.ts';
import type { Operator, TableSource } from '../domain/operator.ts';
import type { Row } from '../domain/record.ts';
import { repartition } from '../domain/stages.ts';
import type { StateStore } from '../domain/state-store.ts';
import { createTableJoinOperator } from '../domain/table-join-operator.ts';
import type { Select } from './ast.ts';
import type { SourceSchema } from './catalog.ts';
import type { Evaluate, ResolveColumn } from './compile-expression.ts';
import { checkColumns, decodeJsonRow } from './decode-source.ts';
import type { Scope } from './plan-query.ts';
import { sqlError } from './sql-error.ts';

const TABLE_SIDE = '__table';
const DELETED = '__deleted';

/** Rows of a join carry `alias.column` names; table rows are marked as such. */
export function qualify(raw: Row, alias: string, isTable: boolean): Row {
  const row: Row = {};
  for (const [name, value] of Object.entries(raw)) row[`${alias}.${name}`] = value;
  if (isTable) row[TABLE_SIDE] = true;
  return row;
}

export interface PlannedJoin {
  operators(store: StateStore): Operator[];
  /** The column the stream is partitioned by after the join (it may repartition). */
  partitionedBy: string | undefined;
}

export interface JoinOptions {
  /** The column the stream's topic is partitioned by. */
  partitionedBy: string | undefined;
  tableIdleTimeoutMs: number;
  /** WHERE's conjuncts on the stream alone: applied first, so fewer events cross and wait. */
  streamWhere?: Evaluate;
}

/**
 * A stream-table join. The table is read from its own topic, co-partitioned with the stream,
 * as in Kafka Streams: its topic is keyed by the primary key with as many partitions as the
 * stream, the task of partition p reads both, and a stream not keyed by the join column is
 * first repartitioned by it.
 */
export function planJoin(
  join: NonNullable<Select['join']>,
  scope: Scope,
  resolve: ResolveColumn,
  options: JoinOptions,
): PlannedJoin {
  const { tableField, streamField } = joinFields(join, scope, resolve);
  const table = scope.sources[1]!;
  if (table.schema.topic === scope.sources[0]!.schema.topic) {
    throw sqlError(
      'unsupported_join',
      `the table '${table.schema.name}' is on the stream's topic: a table needs a topic of its own`,
      join.source.at,
    );
  }
  if (tableField !== `${table.alias}.${table.schema.key}`) {
    throw sqlError(
      'unsupported_join',
      `join the table '${table.schema.name}' on its primary key '${table.schema.key}'`,
      join.on.at,
    );
  }
  const joinOperator = (store: StateStore): Operator => ({
    ...createTableJoinOperator({
      isTableRow: (row) => row[TABLE_SIDE] === true,
      isDeletion: (row) => row[DELETED] === true,
      tableKey: (row) => JSON.stringify(row[tableField]),
      streamKey: (row) => JSON.stringify(row[streamField]),
      combine: (stream, tableRow) => ({ ...tableRow, ...stream }),
      // Without event times there is no table time to wait for: events join on arrival.
      tableIdleTimeoutMs: table.schema.timestamp === undefined ? 0 : options.tableIdleTimeoutMs,
      store,
    }),
    table: tableSource(table.schema, table.alias, scope.used.get(table.alias)!),
  });
  const { streamWhere } = options;
  // In one process table rows flow through the same operators: the filter lets them pass.
  const filter = streamWhere
    ? [
        statelessOperator((r) =>
          r.row[TABLE_SIDE] === true || streamWhere(r.row) === true ? [r] : [],
        ),
      ]
    : [];
  if (options.partitionedBy === streamField) {
    return { operators: (store) => [...filter, joinOperator(store)], partitionedBy: streamField };
  }
  // Keyed like the table's topic (the join value as a string), so both meet in one task.
  const byJoinKey = statelessOperator((r) => [{ ...r, key: String(r.row[streamField]) }]);
  return {
    operators: (store) => [...filter, byJoinKey, repartition(), joinOperator(store)],
    partitionedBy: streamField,
  };
}

function joinFields(join: NonNullable<Select['join']>, scope: Scope, resolve: ResolveColumn) {
  const { on } = join;
  if (
    on.kind !== 'binary' ||
    on.op !== '=' ||
    on.left.kind !== 'column' ||
    on.right.kind !== 'column'
  ) {
    throw sqlError(
      'unsupported_join',
      'JOIN … ON must compare one column of each side with =',
      on.at,
    );
  }
  const [left, right] = [resolve(on.left), resolve(on.right)];
  const tableAlias = scope.sources[1]!.alias;
  const [tableField, streamField] = left.startsWith(`${tableAlias}.`)
    ? [left, right]
    : [right, left];
  if (!tableField.startsWith(`${tableAlias}.`) || streamField.startsWith(`${tableAlias}.`)) {
    throw sqlError(
      'unsupported_join',
      'JOIN … ON must compare a stream column with a table column',
      on.at,
    );
  }
  return { tableField, streamField };
}

/**
 * A table's compacted topic read with changelog semantics: the message key is the primary
 * key, a value is the row's latest version, a null value (tombstone) deletes the row.
 */
function tableSource(schema: SourceSchema, alias: string, used: Set<string>): TableSource {
  const keyColumn = schema.key!;
  return {
    topic: schema.topic,
    decode(value, key) {
      if (value === null) {
        const id = schema.columns[keyColumn] === 'number' ? Number(key) : key;
        return {
          key: key ?? '',
          time: 0,
          row: { ...qualify({ [keyColumn]: id }, alias, true), [DELETED]: true },
        };
      }
      const raw = decodeJsonRow(value);
      const time = checkColumns(raw, schema, new Set([...used, keyColumn]));
      return { key: key ?? '', time, row: qualify(raw, alias, true) };
    },
  };
}
