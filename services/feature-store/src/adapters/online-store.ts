import type { Redis } from 'ioredis';
import { defineScripts } from '@scale-models/redis';
import type { OnlineRow } from '../domain/online-value.ts';

/** Where one (feature view, entity key) lives; the client's key prefix is added by ioredis. */
export function onlineKeyOf(view: string, key: string): string {
  return `online:${view}:${key}`;
}

// Writes a row only if it is not older than the stored one (event time, then created time).
// So materializing twice, replaying a push, or a slow materialization racing a fresh push all
// end with the newest value: the write is idempotent and never goes back in time.
const WRITE_IF_NEWER = `
local stored = redis.call('GET', KEYS[1])
if stored then
  local old = cjson.decode(stored)
  local t, c = tonumber(ARGV[2]), tonumber(ARGV[3])
  if old.t > t or (old.t == t and old.c > c) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

export interface OnlineEntry {
  view: string;
  key: string;
  row: OnlineRow;
}

export interface OnlineStore {
  /** Writes rows (pipelined), each only if newer than what is stored; resolves to how many won. */
  write(entries: OnlineEntry[]): Promise<number>;
  /** Reads rows of many (view, key) pairs in one round trip (MGET). */
  read(pairs: { view: string; key: string }[]): Promise<(OnlineRow | undefined)[]>;
}

export function createOnlineStore(redis: Redis): OnlineStore {
  const scripts = defineScripts(redis, {
    writeIfNewer: { keys: 1, lua: WRITE_IF_NEWER, parse: Number },
  });
  return {
    write: async (entries) => {
      const written = await Promise.all(
        entries.map(({ view, key, row }) =>
          scripts.writeIfNewer([onlineKeyOf(view, key)], [JSON.stringify(row), row.t, row.c]),
        ),
      );
      return written.reduce((a, b) => a + b, 0);
    },
    read: async (pairs) => {
      if (pairs.length === 0) return [];
      const values = await redis.mget(pairs.map(({ view, key }) => onlineKeyOf(view, key)));
      return values.map((value) => (value === null ? undefined : (JSON.parse(value) as OnlineRow)));
    },
  };
}
