import type { Expr } from './ast.ts';
import type { ResolveColumn } from './compile-expression.ts';

export interface SplitWhere {
  /** The conjuncts that name the stream's columns only: they may run before the join. */
  stream: Expr | undefined;
  /** The rest, run on the joined rows. */
  joined: Expr | undefined;
}

/**
 * Splits WHERE at its top-level ANDs so each conjunct that reads only the stream's columns
 * filters before the join (predicate pushdown): events it drops never cross a repartition
 * topic or wait for the table. Equivalent for an inner join, which drops an event either way.
 */
export function splitWhere(
  where: Expr | undefined,
  resolve: ResolveColumn,
  streamAlias: string,
): SplitWhere {
  const conjuncts = where === undefined ? [] : conjunctsOf(where);
  const onStream = (expr: Expr) =>
    columnsOf(expr).every((column) => resolve(column).startsWith(`${streamAlias}.`));
  return {
    stream: allOf(conjuncts.filter(onStream)),
    joined: allOf(conjuncts.filter((expr) => !onStream(expr))),
  };
}

function conjunctsOf(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'AND') {
    return [...conjunctsOf(expr.left), ...conjunctsOf(expr.right)];
  }
  return [expr];
}

function allOf(conjuncts: Expr[]): Expr | undefined {
  if (conjuncts.length === 0) return undefined;
  return conjuncts.reduce((left, right) => ({
    kind: 'binary',
    op: 'AND',
    left,
    right,
    at: left.at,
  }));
}

type Column = Extract<Expr, { kind: 'column' }>;

function columnsOf(expr: Expr): Column[] {
  switch (expr.kind) {
    case 'column':
      return [expr];
    case 'binary':
      return [...columnsOf(expr.left), ...columnsOf(expr.right)];
    case 'not':
      return columnsOf(expr.expr);
    case 'in':
      return [expr.expr, ...expr.list].flatMap(columnsOf);
    case 'call':
      return expr.args.flatMap(columnsOf);
    default:
      return [];
  }
}
