import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, redis as redisServer, uniqueName } from '@scale-models/testkit';
import { createRedis, defineScripts, deleteNamespace } from '../src/index.ts';
import type { RedisHandle } from '../src/index.ts';

let handle: RedisHandle | undefined;

afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

describe('createRedis', () => {
  it('connects under its connection name and answers the readiness check', async () => {
    const name = uniqueName('conn');
    handle = createRedis((await redisServer()).url, { name });
    await eventually(() => handle!.ready());
    expect(await handle.redis.client('GETNAME')).toBe(name);
  });

  it('with autoPipelining, queues the commands of one tick (scripts too) and answers each', async () => {
    const namespace = uniqueName('pipe');
    handle = createRedis((await redisServer()).url, { keyPrefix: namespace, autoPipelining: true });
    const scripts = defineScripts(handle.redis, {
      read: { keys: 1, lua: "return redis.call('GET', KEYS[1])" },
    });
    await handle.redis.set('k', 'v');
    const replies = Promise.all(Array.from({ length: 20 }, () => scripts.read(['k'])));
    // Not sent yet: they leave together in one write on the next tick.
    expect(handle.redis.autoPipelineQueueSize).toBeGreaterThan(0);
    expect(await replies).toEqual(Array.from({ length: 20 }, () => 'v'));
  });

  it('prefixes keys with the namespace, adding the colon', async () => {
    const namespace = uniqueName('ns');
    handle = createRedis((await redisServer()).url, { keyPrefix: namespace });
    await handle.redis.set('k', 'v');
    const plain = createRedis((await redisServer()).url);
    try {
      expect(await plain.redis.get(`${namespace}:k`)).toBe('v');
    } finally {
      await plain.close();
    }
  });

  it(
    'fails the readiness check at once against a closed port, and closes without hanging',
    { timeout: 5_000 },
    async () => {
      handle = createRedis(`redis://127.0.0.1:${await closedPort()}`);
      await expect(handle.ready()).rejects.toThrow(/redis is/);
      // Also once the first attempt has failed and the client is backing off.
      await eventually(() => expect(handle!.redis.status).toBe('reconnecting'));
      await expect(handle.ready()).rejects.toThrow('redis is reconnecting');
    },
  );

  it(
    'fails a command after its bounded retries instead of queueing it forever',
    { timeout: 10_000 },
    async () => {
      handle = createRedis(`redis://127.0.0.1:${await closedPort()}`);
      await expect(handle.redis.get('anything')).rejects.toThrow(/max retries per request/i);
    },
  );
});

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('deleteNamespace', () => {
  it('removes every key of the namespace and nothing else, also through a prefixed client', async () => {
    const namespace = uniqueName('gone');
    const neighbour = uniqueName('kept');
    handle = createRedis((await redisServer()).url, { keyPrefix: namespace });
    const other = createRedis((await redisServer()).url, { keyPrefix: neighbour });
    try {
      await handle.redis.mset(
        Object.fromEntries(Array.from({ length: 2_500 }, (_, i) => [`k${i}`, 'v'])),
      );
      await other.redis.set('k0', 'v');
      expect(await deleteNamespace(handle.redis, namespace)).toBe(2_500);
      expect(await handle.redis.exists('k0', 'k2499')).toBe(0);
      expect(await other.redis.get('k0')).toBe('v');
      await deleteNamespace(other.redis, neighbour);
    } finally {
      await other.close();
    }
  });
});
