import { Type } from '@scale-models/service-kit';
import { SHARD_ID_PATTERN } from '../domain/shard-id.ts';

export const ShardId = Type.String({
  pattern: SHARD_ID_PATTERN,
  description: '<segment uuid, lower case>.<shard index 0-255>',
});

export const ShardParams = Type.Object({ shardId: ShardId });

export const WrittenShard = Type.Object({
  length: Type.Integer({ minimum: 0 }),
  crc32: Type.Integer({ minimum: 0, description: 'CRC32 of the data received' }),
});

export const ListQuery = Type.Object({
  after: Type.Optional(ShardId),
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
});

export const ShardPage = Type.Object({
  shards: Type.Array(
    Type.Object({
      id: ShardId,
      length: Type.Optional(
        Type.Integer({ minimum: 0, description: 'absent when the header is damaged' }),
      ),
      modifiedAt: Type.String({ format: 'date-time' }),
    }),
  ),
  next: Type.Optional(ShardId),
});

export const VerifyReport = Type.Object({
  ok: Type.Boolean(),
  length: Type.Optional(
    Type.Integer({ minimum: 0, description: 'absent when the header is damaged' }),
  ),
  corruptBlocks: Type.Array(Type.Integer({ minimum: 0 })),
  headerCorrupt: Type.Boolean(),
});
