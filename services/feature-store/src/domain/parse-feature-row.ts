import { InputError } from '@scale-models/errors';
import { coerceValue } from './coerce-value.ts';
import type { FeatureValue } from './coerce-value.ts';
import { entityKeyOfRecord } from './entity-key.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import type { Entity, FeatureView } from './registry-spec.ts';

export const EVENT_TIMESTAMP = 'event_timestamp';
export const CREATED_TIMESTAMP = 'created_timestamp';

/** A validated row for the offline store (and, when pushed, the online store). */
export interface IncomingRow {
  /** The view's entity key (encodeEntityKey). */
  key: string;
  eventTs: number;
  /** Ingestion time unless the source says when the value was computed. */
  createdTs: number;
  values: Record<string, FeatureValue>;
}

/**
 * Validates one source record (a CSV line, a Parquet row, a pushed event) of a feature view:
 * the join key of each of the view's entities, `event_timestamp`, optionally
 * `created_timestamp`, and only declared features, each of its declared type. Errors name
 * `<where>.<column>`.
 */
export function parseFeatureRow(
  view: FeatureView,
  entities: Entity[],
  record: Record<string, unknown>,
  where: string,
  nowMs: number,
): IncomingRow {
  const declared = new Map(view.features.map((f) => [f.name, f.dtype]));
  const joinKeys = new Set(entities.map((e) => e.join_key));
  const values: Record<string, FeatureValue> = {};
  for (const [column, raw] of Object.entries(record)) {
    if (joinKeys.has(column) || column === EVENT_TIMESTAMP || column === CREATED_TIMESTAMP)
      continue;
    const dtype = declared.get(column);
    if (dtype === undefined) {
      throw new InputError(
        'feature.unknown',
        `${where}: ${column} is not a feature of ${view.name}`,
        {
          details: { field: `${where}.${column}`, feature_view: view.name },
        },
      );
    }
    values[column] = coerceValue(dtype, raw, `${where}.${column}`);
  }
  const eventTs = parseTimestamp(record[EVENT_TIMESTAMP], `${where}.${EVENT_TIMESTAMP}`, nowMs);
  const createdRaw = record[CREATED_TIMESTAMP];
  const createdTs =
    createdRaw === undefined || createdRaw === ''
      ? nowMs
      : parseTimestamp(createdRaw, `${where}.${CREATED_TIMESTAMP}`, nowMs);
  return {
    key: entityKeyOfRecord(entities, record, where),
    eventTs,
    createdTs,
    values,
  };
}
