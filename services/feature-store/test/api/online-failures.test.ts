import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually } from '@scale-models/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders, startHarness } from '../support/harness.ts';
import type { Harness } from '../support/harness.ts';
import { DRIVERS, FRAUD, hoursAgo } from '../support/fixtures.ts';
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
    h = await startHarness({
      redisUrl: redis.url,
      registry: {
        entities: [...DRIVERS.entities!, ...FRAUD.entities!],
        feature_views: [...DRIVERS.feature_views!, ...FRAUD.feature_views!],
      },
    });
    // Two rows per key, the newer one last for even keys and first for odd: the materializer
    // must pick by event time, not by arrival. The same for a view keyed by (user, merchant).
    const twoRowsPerKey = (keyOf: (i: number) => object, feature: string) =>
      Array.from({ length: KEYS }, (_, i) => {
        const [newer, older] = [
          { ...keyOf(i), event_timestamp: hoursAgo(0.1), [feature]: i },
          { ...keyOf(i), event_timestamp: hoursAgo(0.5), [feature]: -1 },
        ];
        return i % 2 === 0 ? [older, newer] : [newer, older];
      }).flat();
    for (const [view, rows] of [
      ['driver_stats', twoRowsPerKey((i) => ({ driver_id: i }), 'conv_rate')],
      [
        'user_merchant_stats',
        twoRowsPerKey((i) => ({ user_id: i % 100, merchant_id: `m:${i}` }), 'txn_count'),
      ],
    ] as const) {
      const response = await h.app.inject({
        method: 'POST',
        url: `/v1/feature-views/${view}/rows`,
        headers: authHeaders,
        payload: rows,
      });
      expect(response.statusCode).toBe(201);
    }
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

  const dump = async (prefix: string, view: string): Promise<Map<string, string>> => {
    const keys = await redis.admin.keys(`${prefix}:online:${view}:*`);
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

  it.each(['driver_stats', 'user_merchant_stats'])(
    'materialization of %s killed midway and run again ends identical to a clean run',
    async (view) => {
      const killedPrefix = `${h.prefix}:killed`;
      const keysBefore = await redis.admin.dbsize();
      const child = runCli(killedPrefix, '--full', view);
      // Kill it once it has written some keys but not all.
      await eventually(
        async () => {
          const written = (await redis.admin.dbsize()) - keysBefore;
          if (written < 50) throw new Error(`${written} keys so far`);
        },
        { intervalMs: 5 },
      );
      child.kill('SIGKILL');
      await once(child, 'exit');
      const partial = (await dump(killedPrefix, view)).size;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(KEYS);

      const rerun = runCli(killedPrefix, view); // incremental: the watermark never moved
      expect((await once(rerun, 'exit'))[0]).toBe(0);
      const clean = runCli(`${h.prefix}:clean`, '--full', view);
      expect((await once(clean, 'exit'))[0]).toBe(0);

      const [afterKill, afterClean] = [
        await dump(killedPrefix, view),
        await dump(`${h.prefix}:clean`, view),
      ];
      expect(afterKill.size).toBe(KEYS);
      expect(afterKill).toEqual(afterClean);
    },
  );

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
