import type {
  CreateTable,
  Expr,
  Select,
  SelectItem,
  SourceRef,
  Statement,
  TableColumn,
} from './ast.ts';
import { tokenize } from './lexer.ts';
import type { Token } from './lexer.ts';
import { sqlError } from './sql-error.ts';
import type { Position } from './sql-error.ts';

const RESERVED = new Set(
  'SELECT FROM WHERE GROUP BY HAVING EMIT JOIN ON AS AND OR NOT IN CREATE STREAM TABLE WITH INTERVAL'.split(
    ' ',
  ),
);
const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};
const COMPARISONS = ['=', '<>', '!=', '<', '<=', '>', '>='];

/**
 * Recursive-descent parser for the documented subset:
 * `[CREATE STREAM name AS] SELECT … FROM s [alias] [JOIN t [alias] ON …] [WHERE …]
 *  [GROUP BY …] [HAVING …] [EMIT FINAL | EMIT CHANGES] [;]`, and
 * `CREATE TABLE name (col type [PRIMARY KEY], …) WITH (option = 'value', …) [;]`.
 */
export function parseStatement(sql: string): Statement {
  const tokens = tokenize(sql);
  let index = 0;
  const peek = () => tokens[index]!;
  const next = () => tokens[index++]!;
  const isWord = (word: string) => peek().kind === 'word' && peek().upper === word;
  const isSymbol = (symbol: string) => peek().kind === 'symbol' && peek().text === symbol;
  const fail = (expected: string, token = peek()): never => {
    const found = token.kind === 'end' ? 'end of input' : `'${token.text}'`;
    throw sqlError('syntax', `expected ${expected} but found ${found}`, token.at);
  };
  const expectWord = (word: string) => (isWord(word) ? next() : fail(word));
  const expectSymbol = (symbol: string) => (isSymbol(symbol) ? next() : fail(`'${symbol}'`));
  const identifier = (what: string): Token => {
    const token = peek();
    if (token.kind !== 'word' || RESERVED.has(token.upper)) return fail(what);
    return next();
  };
  const list = <T>(item: () => T): T[] => {
    const items = [item()];
    while (isSymbol(',')) {
      next();
      items.push(item());
    }
    return items;
  };

  const primary = (): Expr => {
    const token = peek();
    if (token.kind === 'number')
      return { kind: 'number', value: Number(next().text), at: token.at };
    if (token.kind === 'string') return { kind: 'string', value: next().text, at: token.at };
    if (isSymbol('(')) {
      next();
      const inner = expression();
      expectSymbol(')');
      return inner;
    }
    if (isWord('INTERVAL')) return interval();
    const name = identifier('an expression');
    if (isSymbol('(')) return call(name);
    if (isSymbol('.')) {
      next();
      const column = identifier('a column name');
      return { kind: 'column', table: name.text, name: column.text, at: name.at };
    }
    return { kind: 'column', name: name.text, at: name.at };
  };
  const interval = (): Expr => {
    const start = next();
    const amount = peek();
    if (amount.kind !== 'string' || !/^[0-9]+$/.test(amount.text)) {
      return fail("a quoted whole number such as '10'");
    }
    next();
    const unit = peek();
    const perUnit = UNIT_MS[unit.upper.replace(/S$/, '')];
    if (unit.kind !== 'word' || perUnit === undefined) return fail('a time unit (SECOND, MINUTE…)');
    next();
    return { kind: 'interval', ms: Number(amount.text) * perUnit, at: start.at };
  };
  const call = (name: Token): Expr => {
    next();
    if (isSymbol('*')) {
      next();
      expectSymbol(')');
      return { kind: 'call', name: name.upper, args: [], distinct: false, star: true, at: name.at };
    }
    const distinct = isWord('DISTINCT') ? (next(), true) : false;
    const args = isSymbol(')') ? [] : list(expression);
    expectSymbol(')');
    return { kind: 'call', name: name.upper, args, distinct, star: false, at: name.at };
  };
  const unary = (): Expr => {
    if (isSymbol('-')) {
      const minus = next();
      return {
        kind: 'binary',
        op: '-',
        left: { kind: 'number', value: 0, at: minus.at },
        right: unary(),
        at: minus.at,
      };
    }
    return primary();
  };
  const binaryLevel = (operators: string[], operand: () => Expr) => (): Expr => {
    let left = operand();
    while (peek().kind === 'symbol' && operators.includes(peek().text)) {
      const op = next();
      left = {
        kind: 'binary',
        op: op.text === '!=' ? '<>' : op.text,
        left,
        right: operand(),
        at: op.at,
      };
    }
    return left;
  };
  const product = binaryLevel(['*', '/', '%'], unary);
  const sum = binaryLevel(['+', '-'], product);
  const comparison = (): Expr => {
    const left = sum();
    if (isWord('IN') || (isWord('NOT') && tokens[index + 1]?.upper === 'IN')) {
      const negated = isWord('NOT') ? (next(), true) : false;
      const keyword = next();
      expectSymbol('(');
      const values = list(expression);
      expectSymbol(')');
      const test: Expr = { kind: 'in', expr: left, list: values, at: keyword.at };
      return negated ? { kind: 'not', expr: test, at: keyword.at } : test;
    }
    if (peek().kind !== 'symbol' || !COMPARISONS.includes(peek().text)) return left;
    const op = next();
    const right = sum();
    return { kind: 'binary', op: op.text === '!=' ? '<>' : op.text, left, right, at: op.at };
  };
  const negation = (): Expr => {
    if (isWord('NOT')) {
      const not = next();
      return { kind: 'not', expr: negation(), at: not.at };
    }
    return comparison();
  };
  const logical = (word: 'AND' | 'OR', operand: () => Expr) => (): Expr => {
    let left = operand();
    while (isWord(word)) {
      const op = next();
      left = { kind: 'binary', op: word, left, right: operand(), at: op.at };
    }
    return left;
  };
  const expression: () => Expr = logical('OR', logical('AND', negation));

  const selectItem = (): SelectItem => {
    if (isSymbol('*'))
      return fail('a column or expression (SELECT * is not supported: name the columns)');
    const expr = expression();
    if (isWord('AS')) {
      next();
      return { expr, alias: identifier('an alias').text };
    }
    return { expr };
  };
  const source = (): SourceRef => {
    const name = identifier('a stream or table name');
    const bareAlias = peek().kind === 'word' && !RESERVED.has(peek().upper);
    const alias = isWord('AS') ? (next(), identifier('an alias')) : bareAlias ? next() : name;
    return { name: name.text, alias: alias.text, at: name.at };
  };
  const select = (): Select => {
    expectWord('SELECT');
    const items = list(selectItem);
    expectWord('FROM');
    const from = source();
    let join: Select['join'];
    if (isWord('JOIN')) {
      next();
      const joined = source();
      expectWord('ON');
      join = { source: joined, on: expression() };
    }
    const where = isWord('WHERE') ? (next(), expression()) : undefined;
    let groupBy: Expr[] = [];
    if (isWord('GROUP')) {
      next();
      expectWord('BY');
      groupBy = list(expression);
    }
    const having = isWord('HAVING') ? (next(), expression()) : undefined;
    let emit: Select['emit'] = 'final';
    if (isWord('EMIT')) {
      next();
      if (isWord('FINAL')) emit = 'final';
      else if (isWord('CHANGES')) emit = 'changes';
      else fail('FINAL or CHANGES');
      next();
    }
    return { items, from, join, where, groupBy, having, emit };
  };

  const tableColumn = (key: { name?: string }): TableColumn => {
    const name = identifier('a column name');
    const type = identifier('a column type');
    if (isWord('PRIMARY')) {
      next();
      expectWord('KEY');
      key.name = name.text;
    }
    return { name: name.text, type: type.upper, at: type.at };
  };
  const tableOption = (): [string, { value: string; at: Position }] => {
    const name = identifier('an option name');
    expectSymbol('=');
    const value = peek();
    if (value.kind !== 'string') return fail("a quoted value such as 'topic-name'");
    next();
    return [name.text.toLowerCase(), { value: value.text, at: value.at }];
  };
  const createTable = (start: Token): CreateTable => {
    const name = identifier('a table name');
    const key: { name?: string } = {};
    expectSymbol('(');
    const columns = list(() => tableColumn(key));
    expectSymbol(')');
    expectWord('WITH');
    expectSymbol('(');
    const options = Object.fromEntries(list(tableOption));
    expectSymbol(')');
    return { kind: 'table', name: name.text, columns, key: key.name, options, at: start.at };
  };

  let statement: Statement;
  if (isWord('CREATE') && tokens[index + 1]?.upper === 'TABLE') {
    const start = next();
    next();
    statement = createTable(start);
  } else if (isWord('CREATE')) {
    next();
    expectWord('STREAM');
    const name = identifier('a stream name');
    expectWord('AS');
    statement = { kind: 'create', name: name.text, select: select() };
  } else statement = { kind: 'select', select: select() };
  if (isSymbol(';')) next();
  if (peek().kind !== 'end') fail('end of statement');
  return statement;
}
