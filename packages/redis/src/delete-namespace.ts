import type { Redis } from 'ioredis';

const SCAN_COUNT = 1_000;

/**
 * Removes every key of a namespace (`<namespace>:*`), a page of SCAN at a time, with UNLINK
 * (freed by Redis in the background): for tests and benchmarks that leave nothing behind.
 * SCAN's pattern is not prefixed by the client's `keyPrefix`, so `namespace` is the full
 * prefix. Returns how many keys went.
 */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<number> {
  const pattern = `${namespace.endsWith(':') ? namespace : `${namespace}:`}*`;
  // UNLINK gets the keys as SCAN returned them, so the client must not prefix them again.
  const prefix = redis.options.keyPrefix ?? '';
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    const unprefixed = keys.map((key) => (key.startsWith(prefix) ? key.slice(prefix.length) : key));
    if (unprefixed.length > 0) deleted += await redis.unlink(...unprefixed);
  } while (cursor !== '0');
  return deleted;
}
