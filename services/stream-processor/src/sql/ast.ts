import type { Position } from './sql-error.ts';

export type Expr =
  | { kind: 'column'; table?: string; name: string; at: Position }
  | { kind: 'number'; value: number; at: Position }
  | { kind: 'string'; value: string; at: Position }
  | { kind: 'interval'; ms: number; at: Position }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; at: Position }
  | { kind: 'not'; expr: Expr; at: Position }
  | { kind: 'in'; expr: Expr; list: Expr[]; at: Position }
  | { kind: 'call'; name: string; args: Expr[]; distinct: boolean; star: boolean; at: Position };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export interface SourceRef {
  name: string;
  alias: string;
  at: Position;
}

export interface Select {
  items: SelectItem[];
  from: SourceRef;
  join?: { source: SourceRef; on: Expr };
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  emit: 'final' | 'changes';
}

export interface TableColumn {
  name: string;
  type: string;
  at: Position;
}

/** `CREATE TABLE name (col type [PRIMARY KEY], …) WITH (topic = '…' [, timestamp = 'col'])` */
export interface CreateTable {
  kind: 'table';
  name: string;
  columns: TableColumn[];
  key?: string;
  options: Record<string, { value: string; at: Position }>;
  at: Position;
}

export type Statement =
  | { kind: 'create'; name: string; select: Select }
  | { kind: 'select'; select: Select }
  | CreateTable;
