import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { RedisKey } from 'ioredis';
import { redis as redisServer, uniqueName } from '@scale-models/testkit';
import { createRedis, defineScripts, loadLua } from '../src/index.ts';
import type { RedisHandle } from '../src/index.ts';

const TAKE = loadLua('./scripts/take.lua', import.meta.url);
const COMPARE_AND_SET = loadLua('./scripts/compare-and-set.lua', import.meta.url);
const asFlag = (reply: unknown): boolean => reply === 1;

let url: string;
const handles: RedisHandle[] = [];

/** A client of its own (its own connection), namespaced so tests never share keys. */
function client(keyPrefix: string): RedisHandle {
  const handle = createRedis(url, { name: 'redis-package-test', keyPrefix });
  handles.push(handle);
  return handle;
}

beforeAll(async () => {
  url = (await redisServer()).url;
});

afterAll(async () => {
  await Promise.all(handles.map((handle) => handle.close()));
});

describe('defineScripts', () => {
  it('runs a script atomically: concurrent takes never oversell the stock', async () => {
    const prefix = uniqueName('take');
    // Several connections, so the server interleaves callers as it would across processes.
    const scripts = Array.from({ length: 4 }, () =>
      defineScripts(client(prefix).redis, { take: { keys: 1, lua: TAKE, parse: asFlag } }),
    );
    await client(prefix).redis.set('stock', 50);

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => scripts[i % scripts.length]!.take(['stock'], [1])),
    );

    expect(results.filter(Boolean)).toHaveLength(50);
    expect(await client(prefix).redis.get('stock')).toBe('0');
  });

  it('lets exactly one of many concurrent compare-and-set callers win', async () => {
    const prefix = uniqueName('cas');
    const { redis } = client(prefix);
    const { compareAndSet } = defineScripts(redis, {
      compareAndSet: { keys: 1, lua: COMPARE_AND_SET, parse: asFlag },
    });
    // The key count and the parser type the function (checked by `pnpm typecheck`).
    expectTypeOf(compareAndSet).parameter(0).toEqualTypeOf<[RedisKey]>();
    expectTypeOf(compareAndSet).returns.toEqualTypeOf<Promise<boolean>>();
    await redis.set('version', 'v0');

    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => compareAndSet(['version'], ['v0', `v1-by-${i}`])),
    );

    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = wins.indexOf(true);
    expect(await redis.get('version')).toBe(`v1-by-${winner}`);
  });

  it('still works after SCRIPT FLUSH: EVALSHA gets NOSCRIPT and falls back to EVAL', async () => {
    const { redis } = client(uniqueName('flush'));
    const { take } = defineScripts(redis, { take: { keys: 1, lua: TAKE, parse: asFlag } });
    const sha = createHash('sha1').update(TAKE).digest('hex');
    await redis.set('stock', 2);
    expect(await take(['stock'], [1])).toBe(true);

    const noscriptBefore = await noscriptErrors(redis);
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', sha)).toEqual([0]);

    expect(await take(['stock'], [1])).toBe(true);
    expect(await noscriptErrors(redis)).toBeGreaterThan(noscriptBefore);
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
    expect(await take(['stock'], [1])).toBe(false);
  });

  it("applies the client's key prefix to the script's KEYS but not to ARGV", async () => {
    const prefix = uniqueName('prefix');
    const { redis } = client(prefix);
    const { echo } = defineScripts(redis, {
      echo: {
        keys: 1,
        lua: "redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1]}",
      },
    });

    expect(await echo(['greeting'], ['hello'])).toEqual([`${prefix}:greeting`, 'hello']);
    const unprefixed = client('');
    expect(await unprefixed.redis.get(`${prefix}:greeting`)).toBe('hello');
    expect(await unprefixed.redis.exists('greeting')).toBe(0);
  });

  it('rejects a call with the wrong number of keys before it reaches Redis', async () => {
    const { redis } = client(uniqueName('arity'));
    const { take } = defineScripts(redis, { take: { keys: 1, lua: TAKE } });
    const untyped = take as (keys: string[], args?: string[]) => Promise<unknown>;
    await expect(untyped(['a', 'b'], ['1'])).rejects.toThrow('takes 1 keys, got 2');
  });

  it('gives each script body a command name of its own, so a script named get shadows nothing', async () => {
    const { redis } = client(uniqueName('shadow'));
    const { get } = defineScripts(redis, { get: { keys: 1, lua: "return 'from lua'" } });
    await redis.set('plain', 'from redis');
    expect(await get(['plain'])).toBe('from lua');
    expect(await redis.get('plain')).toBe('from redis');
  });
});

async function noscriptErrors(redis: RedisHandle['redis']): Promise<number> {
  const info = await redis.info('errorstats');
  const match = /errorstat_NOSCRIPT:count=(\d+)/.exec(info);
  return match === null ? 0 : Number(match[1]);
}
