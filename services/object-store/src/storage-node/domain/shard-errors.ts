import { ConflictError, NotFoundError, ServiceError } from '@scale-models/errors';

/**
 * A block failed its CRC (bitrot, a torn sector, a misdirected write) or the header is damaged
 * (`block: 'header'`). 409: the node is fine, this copy is not; the gateway reads the other
 * shards and the healer rewrites this one.
 */
export function shardCorrupt(shardId: string, block: number | 'header'): ConflictError {
  const where = block === 'header' ? 'its header' : `block ${block}`;
  return new ConflictError('shard.corrupt', `Shard ${shardId} is corrupt at ${where}.`, {
    details: { shardId, block },
  });
}

export function shardNotFound(shardId: string): NotFoundError {
  return new NotFoundError('shard.not_found', `No shard ${shardId} on this node.`, {
    details: { shardId },
  });
}

export function isShardCorrupt(error: unknown): boolean {
  return error instanceof ServiceError && error.code === 'shard.corrupt';
}

export function isShardNotFound(error: unknown): boolean {
  return error instanceof ServiceError && error.code === 'shard.not_found';
}
