import { randomBytes, randomUUID } from 'node:crypto';
import type { ShardWriter } from '../../../src/adapters/storage-node-client.ts';

/** A fresh shard id: `<uuid>.<index>`. */
export function newShardId(index = 0): string {
  return `${randomUUID()}.${index}`;
}

export function randomShard(length: number): Buffer {
  return randomBytes(length);
}

/** Writes `bytes` in chunks of `chunkSize` and ends the upload. */
export async function writeAll(writer: ShardWriter, bytes: Buffer, chunkSize = 4096) {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    await writer.write(bytes.subarray(offset, offset + chunkSize));
  }
  return writer.end();
}
