import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, hoursAgo } from '../support/fixtures.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import type { OnlineResponse } from '../support/responses.ts';
import type { PrivateRedis } from '../support/private-redis.ts';

const CLI = fileURLToPath(new URL('../../src/bin/cli.ts', import.meta.url));
const KEYS = 3_000;

describe('online store under failure (a private Redis)', () => {
  let redis: PrivateRedis;
  let h: Harness;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    h = await startHarness({ redisUrl: redis.url, registry: DRIVERS });
    // Two rows per key, the newer one last for even keys and first for odd: the materializer
    // must pick by event time, not by arrival.
    const rows = Array.from({ length: KEYS }, (_, i) => {
      const [newer, older] = [
        { driver_id: i, event_timestamp: hoursAgo(0.1), conv_rate: i },
        { driver_id: i, event_timestamp: hoursAgo(0.5), conv_rate: -1 },
      ];
      return i % 2 === 0 ? [older, newer] : [newer, older];
    }).flat();
    const response = await h.app.inject({
      method: 'POST',
      url: '/v1/feature-views/driver_stats/rows',
      headers: authHeaders,
      payload: rows,
    });
    expect(response.statusCode).toBe(201);
  });
  afterAll(async () => {
    await h.close();
    await redis.stop();
  });

  const conversionRates = async (ids: number[]) =>
    (
      await h.app.inject({
        headers: authHeaders,
        method: 'POST',
        url: '/v1/get-online-features',
        payload: { features: ['driver_stats:conv_rate'], entities: { driver_id: ids } },
      })
    ).json<OnlineResponse>().results[1]!;

  const dump = async (prefix: string): Promise<Map<string, string>> => {
    const keys = await redis.admin.keys(`${prefix}:online:*`);
    const values = keys.length === 0 ? [] : await redis.admin.mget(keys);
    return new Map(keys.map((key, i) => [key.slice(prefix.length), values[i]!]));
  };

  const runCli = (prefix: string, ...args: string[]) =>
    spawn(process.execPath, [CLI, 'materialize', ...args], {
      env: {
        ...process.env,
        PG_URL: h.database.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: prefix,
        MATERIALIZE_BATCH_SIZE: '10',
      },
      stdio: 'ignore',
    });

  it('materialization killed midway and run again ends identical to a clean run', async () => {
    const killedPrefix = `${h.prefix}:killed`;
    const child = runCli(killedPrefix, '--full', 'driver_stats');
    // Kill it once it has written some keys but not all.
    await eventually(
      async () => {
        const written = await redis.admin.dbsize();
        if (written < 50) throw new Error(`${written} keys so far`);
      },
      { intervalMs: 5 },
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    const partial = (await dump(killedPrefix)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(KEYS);

    const rerun = runCli(killedPrefix, 'driver_stats'); // incremental: the watermark never moved
    expect((await once(rerun, 'exit'))[0]).toBe(0);
    const clean = runCli(`${h.prefix}:clean`, '--full', 'driver_stats');
    expect((await once(clean, 'exit'))[0]).toBe(0);

    const [afterKill, afterClean] = [await dump(killedPrefix), await dump(`${h.prefix}:clean`)];
    expect(afterKill.size).toBe(KEYS);
    expect(afterKill).toEqual(afterClean);
  });

  it('after Redis is flushed, reads report missing (never stale) until materialization refills', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/v1/materialize',
      headers: authHeaders,
      payload: { mode: 'full' },
    });
    expect((await conversionRates([1, 2])).values).toEqual([1, 2]);

    await redis.admin.flushall();
    const afterFlush = await conversionRates([1, 2]);
    expect(afterFlush).toEqual({
      values: [null, null],
      statuses: ['NOT_FOUND', 'NOT_FOUND'],
      event_timestamps: [null, null],
    });

    // An incremental run finds nothing new offline; a full run refills every key.
    await h.app.inject({
      method: 'POST',
      url: '/v1/materialize',
      headers: authHeaders,
      payload: { mode: 'full', feature_views: ['driver_stats'] },
    });
    const refilled = await conversionRates([1, 2, KEYS - 1]);
    expect(refilled.values).toEqual([1, 2, KEYS - 1]);
    expect(refilled.statuses).toEqual(['PRESENT', 'PRESENT', 'PRESENT']);
  });
});
