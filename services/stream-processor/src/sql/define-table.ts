import type { CreateTable } from './ast.ts';
import type { ColumnType, SourceSchema } from './catalog.ts';
import { parseStatement } from './parser.ts';
import { sqlError } from './sql-error.ts';

const TYPES: Record<string, ColumnType> = {
  NUMBER: 'number',
  BIGINT: 'number',
  INT: 'number',
  INTEGER: 'number',
  DOUBLE: 'number',
  STRING: 'string',
  VARCHAR: 'string',
  TEXT: 'string',
};

/**
 * `CREATE TABLE name (col type [PRIMARY KEY], …) WITH (topic = '…' [, timestamp = 'col'])`:
 * a table read from its own compacted topic, keyed by its primary key, joinable in queries.
 */
export function defineTable(sql: string): SourceSchema {
  const statement = parseStatement(sql);
  if (statement.kind !== 'table') {
    throw sqlError('not_a_table', 'expected CREATE TABLE', { line: 1, column: 1 });
  }
  return tableSchema(statement);
}

function tableSchema(statement: CreateTable): SourceSchema {
  const columns: Record<string, ColumnType> = {};
  for (const column of statement.columns) {
    const type = TYPES[column.type];
    if (type === undefined) {
      const known = Object.keys(TYPES).join(', ');
      throw sqlError('bad_type', `unknown type ${column.type} (one of ${known})`, column.at);
    }
    columns[column.name] = type;
  }
  if (statement.key === undefined) {
    throw sqlError('table_key', 'a table needs a PRIMARY KEY column', statement.at);
  }
  const { topic, timestamp, ...unknown } = statement.options;
  const [extra] = Object.entries(unknown);
  if (extra !== undefined) {
    throw sqlError('table_option', `unknown option '${extra[0]}' (topic, timestamp)`, extra[1].at);
  }
  if (topic === undefined) {
    throw sqlError('table_topic', "a table needs WITH (topic = '…')", statement.at);
  }
  if (timestamp !== undefined && columns[timestamp.value] !== 'number') {
    throw sqlError('unknown_column', `no number column '${timestamp.value}'`, timestamp.at);
  }
  return {
    name: statement.name,
    kind: 'table',
    topic: topic.value,
    key: statement.key,
    timestamp: timestamp?.value,
    columns,
  };
}
