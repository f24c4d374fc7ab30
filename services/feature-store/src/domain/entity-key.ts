import { entityKeyOf } from './coerce-value.ts';
import type { Entity } from './registry-spec.ts';

/**
 * The key of a feature view's row, as stored offline (`entity_key`) and online (in the Redis
 * key): its entities' canonical values in the view's entity order. A one-entity view keeps the
 * bare value, as before composite keys existed. Several values become a JSON array of strings:
 * JSON quotes each value and escapes any quote inside it, so parts never run into one another
 * (("a:b", "c") is `["a:b","c"]`, ("a", "b:c") is `["a","b:c"]`), and int64 and string values
 * cannot meet at one position because each position has one declared type. A view's arity is
 * fixed, so a bare key and an array never share a view's keys.
 */
export function encodeEntityKey(values: string[]): string {
  return values.length === 1 ? values[0]! : JSON.stringify(values);
}

/** The values of a key made by encodeEntityKey from `arity` values. */
export function decodeEntityKey(key: string, arity: number): string[] {
  return arity === 1 ? [key] : (JSON.parse(key) as string[]);
}

/**
 * The key of a record (a source row, an entity dataframe row) for these entities: each join
 * key must be present and of its entity's type, or an InputError names `<where>.<join_key>`.
 */
export function entityKeyOfRecord(
  entities: Entity[],
  record: Record<string, unknown>,
  where: string,
): string {
  return encodeEntityKey(
    entities.map(({ join_key, value_type }) =>
      entityKeyOf(value_type, record[join_key], `${where}.${join_key}`),
    ),
  );
}
