import { Type } from '@scale-models/service-kit';

const KiB = 1024;
const GiB = 1024 ** 3;

export const StorageNodeConfig = Type.Object({
  /** object-store owns ports 7200-7299; the gateway takes 7200, nodes 7201 onwards. 0: any. */
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 7201 }),
  /** This node's own folder; never shared by two nodes. */
  DATA_DIR: Type.String({ minLength: 1 }),
  /** The node's name in logs. */
  NODE_ID: Type.String({ minLength: 1, default: 'storage-node' }),
  /** Bytes of shard data per checksummed block (new shards only; each file records its own). */
  BLOCK_SIZE: Type.Integer({ minimum: 512, maximum: 16 * 1024 * KiB, default: 64 * KiB }),
  MAX_SHARD_BYTES: Type.Integer({ minimum: 1, default: 64 * GiB }),
  LOG_LEVEL: Type.Union(
    [Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')],
    { default: 'info' },
  ),
});
