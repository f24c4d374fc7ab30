import type { Row } from '../domain/record.ts';
import type { Expr } from './ast.ts';
import { sqlError } from './sql-error.ts';

export type Evaluate = (row: Row) => unknown;

/** Finds the row field a column reference reads, or throws a positioned error. */
export type ResolveColumn = (column: Extract<Expr, { kind: 'column' }>) => string;

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};
const COMPARE: Record<string, (a: never, b: never) => boolean> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** Compiles a scalar expression to a function of the row; NULL propagates as in SQL. */
export function compileExpression(expr: Expr, resolve: ResolveColumn): Evaluate {
  switch (expr.kind) {
    case 'column': {
      const field = resolve(expr);
      return (row) => row[field] ?? null;
    }
    case 'number':
    case 'string': {
      const { value } = expr;
      return () => value;
    }
    case 'interval': {
      const { ms } = expr;
      return () => ms;
    }
    case 'not': {
      const inner = compileExpression(expr.expr, resolve);
      return (row) => {
        const value = inner(row);
        return value === null ? null : !value;
      };
    }
    case 'in': {
      const value = compileExpression(expr.expr, resolve);
      const options = expr.list.map((item) => compileExpression(item, resolve));
      return (row) => {
        const candidate = value(row);
        return candidate === null ? null : options.some((option) => option(row) === candidate);
      };
    }
    case 'binary':
      return compileBinary(expr, resolve);
    case 'call':
      throw sqlError('misplaced_function', `${expr.name} is not allowed here`, expr.at);
  }
}

function compileBinary(expr: Extract<Expr, { kind: 'binary' }>, resolve: ResolveColumn): Evaluate {
  const left = compileExpression(expr.left, resolve);
  const right = compileExpression(expr.right, resolve);
  if (expr.op === 'AND') {
    return (row) => {
      const [a, b] = [left(row), right(row)];
      if (a === false || b === false) return false;
      return a === null || b === null ? null : true;
    };
  }
  if (expr.op === 'OR') {
    return (row) => {
      const [a, b] = [left(row), right(row)];
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    };
  }
  const op = ARITHMETIC[expr.op] ?? COMPARE[expr.op]!;
  return (row) => {
    const [a, b] = [left(row), right(row)];
    return a === null || b === null ? null : op(a as never, b as never);
  };
}
