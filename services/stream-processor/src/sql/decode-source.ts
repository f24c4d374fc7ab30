import { InputError } from '@scale-models/errors';
import type { Row, StreamRecord } from '../domain/record.ts';
import type { SourceSchema } from './catalog.ts';

const isObject = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses an event's JSON and checks the columns a query reads; poison throws InputError. */
export function decodeJsonRow(value: Buffer | null): Row {
  if (value === null || value.length === 0) throw new InputError('event.empty', 'empty event');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new InputError('event.malformed_json', 'event is not JSON', { cause: error });
  }
  if (!isObject(parsed)) throw new InputError('event.not_an_object', 'event is not a JSON object');
  // A CloudEvents envelope carries the row as its data; a bare JSON object is the row.
  if (parsed.specversion === '1.0') {
    if (!isObject(parsed.data))
      throw new InputError('event.not_an_object', 'CloudEvent data is not an object');
    return parsed.data;
  }
  return parsed;
}

/** One source a decoder may recognise an event as; `toRow` reshapes it (e.g. qualified names). */
export interface DecodedSource {
  schema: SourceSchema;
  used: Set<string>;
  toRow?: (raw: Row) => Row;
}

/** Decodes an event as the first source that accepts it; null when none reads it. */
export function createSourceDecoder(sources: DecodedSource[]) {
  return (value: Buffer | null, key: string | null): StreamRecord | null => {
    const raw = decodeJsonRow(value);
    for (const { schema, used, toRow } of sources) {
      if (schema.accepts !== undefined && !schema.accepts(raw)) continue;
      const time = checkColumns(raw, schema, used);
      return { key: key ?? '', time, row: toRow ? toRow(raw) : raw };
    }
    return null;
  };
}

/** Checks the columns a query reads have their types; returns the event time (0 if none). */
export function checkColumns(row: Row, source: SourceSchema, used: Set<string>): number {
  const time = source.timestamp === undefined ? 0 : row[source.timestamp];
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw new InputError(
      'event.missing_timestamp',
      `${source.name}.${source.timestamp} must be a non-negative integer (ms since the epoch)`,
    );
  }
  for (const column of used) {
    const value = row[column];
    if (value !== undefined && value !== null && typeof value !== source.columns[column]) {
      throw new InputError(
        'event.wrong_type',
        `${source.name}.${column} must be a ${source.columns[column]}, got ${typeof value}`,
        { details: { column } },
      );
    }
  }
  return time;
}
