import { InputError } from '@scale-models/errors';

/**
 * A shard id is `<segmentId>.<shardIndex>`: a lower-case UUID and a decimal index below 256
 * (Reed-Solomon over GF(2^8) has at most 256 shards). The id becomes a file name, so it is
 * checked strictly: nothing else, no `/`, no `..`, no upper case (one shard, one spelling).
 */
const SHARD_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(?:0|[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5])$/;

/** The pattern as a string, for route schemas. */
export const SHARD_ID_PATTERN = SHARD_ID.source;

export function isShardId(value: string): boolean {
  return SHARD_ID.test(value);
}

export function assertShardId(value: string): void {
  if (!isShardId(value)) {
    throw new InputError('shard.invalid_id', 'A shard id is <lower-case uuid>.<index 0-255>.');
  }
}

/**
 * The fan-out folder of a shard: the first two hex digits of its segment id, so no folder
 * holds more than 1/256 of the node's shards (directory lookups stay fast).
 */
export function shardPrefix(shardId: string): string {
  return shardId.slice(0, 2);
}
