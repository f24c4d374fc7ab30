import { entityKeyOfRecord } from './entity-key.ts';
import { EVENT_TIMESTAMP } from './parse-feature-row.ts';
import { parseTimestamp } from './parse-timestamp.ts';
import type { Entity } from './registry-spec.ts';

/** A row of an entity dataframe: the key, the time to join as of, and columns carried along. */
export interface EntityDataframeRow {
  /** The values of every join key of the training set (encodeEntityKey, in joinKeysOf order). */
  key: string;
  ts: number;
  /** Other columns (labels, ids) passed through to the training set untouched. */
  extra: Record<string, unknown>;
}

export function parseEntityRow(
  entities: Entity[],
  record: Record<string, unknown>,
  where: string,
  nowMs: number,
): EntityDataframeRow {
  const joinKeys = new Set(entities.map((e) => e.join_key));
  const extra: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (!joinKeys.has(column) && column !== EVENT_TIMESTAMP) extra[column] = value;
  }
  return {
    key: entityKeyOfRecord(entities, record, where),
    ts: parseTimestamp(record[EVENT_TIMESTAMP], `${where}.${EVENT_TIMESTAMP}`, nowMs),
    extra,
  };
}
