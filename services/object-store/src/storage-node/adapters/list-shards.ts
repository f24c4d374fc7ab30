import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isShardCorrupt, isShardNotFound } from '../domain/shard-errors.ts';
import { isShardId, shardPrefix } from '../domain/shard-id.ts';
import { openShardFile } from './shard-file.ts';
import type { ShardPaths } from './shard-paths.ts';

export interface ShardInfo {
  id: string;
  /** Data bytes; absent when the header is damaged (the shard is listed all the same). */
  length?: number;
  modifiedAt: Date;
}

export interface ShardPage {
  shards: ShardInfo[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

const PREFIX = /^[0-9a-f]{2}$/;
const OPEN_AT_ONCE = 32;

/**
 * One page of the node's shards in id order, starting after `after`. Ids sort the same way
 * as their fan-out folders, so a page reads only the folders from the cursor's onwards.
 */
export async function listShards(
  paths: ShardPaths,
  after: string | undefined,
  limit: number,
): Promise<ShardPage> {
  const ids = await idsAfter(paths, after, limit + 1);
  const page = ids.slice(0, limit);
  const shards: ShardInfo[] = [];
  // A few headers at a time: a page of thousands must not open thousands of files at once.
  for (let i = 0; i < page.length; i += OPEN_AT_ONCE) {
    const infos = await Promise.all(page.slice(i, i + OPEN_AT_ONCE).map((id) => infoOf(paths, id)));
    shards.push(...infos.filter((info) => info !== undefined));
  }
  return ids.length > limit ? { shards, next: page.at(-1) } : { shards };
}

async function idsAfter(paths: ShardPaths, after: string | undefined, count: number) {
  const prefixes = (await readdir(paths.shardsDir))
    .filter((name) => PREFIX.test(name) && (after === undefined || name >= shardPrefix(after)))
    .sort();
  const ids: string[] = [];
  for (const prefix of prefixes) {
    const names = await readdir(join(paths.shardsDir, prefix));
    const page = names.filter((name) => isShardId(name) && (after === undefined || name > after));
    ids.push(...page.sort().slice(0, count - ids.length));
    if (ids.length === count) break;
  }
  return ids;
}

async function infoOf(paths: ShardPaths, id: string): Promise<ShardInfo | undefined> {
  try {
    const file = await openShardFile(paths.shard(id), id);
    await file.close();
    return { id, length: file.header.length, modifiedAt: file.modifiedAt };
  } catch (error) {
    if (isShardNotFound(error)) return undefined; // deleted while we listed
    if (!isShardCorrupt(error)) throw error;
    return { id, modifiedAt: (await stat(paths.shard(id))).mtime };
  }
}
