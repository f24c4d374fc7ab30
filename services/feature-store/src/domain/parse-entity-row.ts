import { entityKeyOf } from './coerce-value.ts';
import { EVENT_TIMESTAMP } from './parse-feature-row.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import type { Entity } from './registry-spec.ts';

/** A row of an entity dataframe: the key, the time to join as of, and columns carried along. */
export interface EntityDataframeRow {
  key: string;
  ts: number;
  /** Other columns (labels, ids) passed through to the training set untouched. */
  extra: Record<string, unknown>;
}

export function parseEntityRow(
  entity: Entity,
  record: Record<string, unknown>,
  where: string,
  nowMs: number,
): EntityDataframeRow {
  const extra: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (column !== entity.join_key && column !== EVENT_TIMESTAMP) extra[column] = value;
  }
  return {
    key: entityKeyOf(entity.value_type, record[entity.join_key], `${where}.${entity.join_key}`),
    ts: parseTimestamp(record[EVENT_TIMESTAMP], `${where}.${EVENT_TIMESTAMP}`, nowMs),
    extra,
  };
}
