import { InputError } from '@scale-models/errors';

/** Where in the query text something is, 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** A refused query: a stable code, and the line and column the message points at. */
export function sqlError(code: string, message: string, at: Position): InputError {
  return new InputError(`sql.${code}`, `${message} at line ${at.line}, column ${at.column}`, {
    details: { line: at.line, column: at.column },
  });
}
