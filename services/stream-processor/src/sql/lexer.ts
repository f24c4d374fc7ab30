import { sqlError } from './sql-error.ts';
import type { Position } from './sql-error.ts';

export type TokenKind = 'word' | 'number' | 'string' | 'symbol' | 'end';

export interface Token {
  kind: TokenKind;
  /** Words as written; compare keywords with `upper`. */
  text: string;
  upper: string;
  at: Position;
}

const SYMBOLS = [
  '<>',
  '!=',
  '<=',
  '>=',
  ',',
  '(',
  ')',
  '.',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
  ';',
];

/** Splits SQL into tokens, each with its line and column; `--` comments are skipped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const at = (): Position => ({ line, column: index - lineStart + 1 });
  const push = (kind: TokenKind, text: string, start: Position) =>
    tokens.push({ kind, text, upper: text.toUpperCase(), at: start });

  while (index < sql.length) {
    const char = sql[index]!;
    if (char === '\n') {
      index += 1;
      line += 1;
      lineStart = index;
    } else if (/\s/.test(char)) index += 1;
    else if (sql.startsWith('--', index)) {
      while (index < sql.length && sql[index] !== '\n') index += 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const start = at();
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(index))![0];
      push('word', word, start);
      index += word.length;
    } else if (/[0-9]/.test(char)) {
      const start = at();
      const number = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(index))![0];
      push('number', number, start);
      index += number.length;
    } else if (char === "'") {
      const start = at();
      const end = sql.indexOf("'", index + 1);
      if (end === -1 || sql.slice(index, end).includes('\n')) {
        throw sqlError('syntax', 'unterminated string literal', start);
      }
      push('string', sql.slice(index + 1, end), start);
      index = end + 1;
    } else {
      const start = at();
      const symbol = SYMBOLS.find((candidate) => sql.startsWith(candidate, index));
      if (symbol === undefined) throw sqlError('syntax', `unexpected character '${char}'`, start);
      push('symbol', symbol, start);
      index += symbol.length;
    }
  }
  tokens.push({ kind: 'end', text: '', upper: '', at: at() });
  return tokens;
}
