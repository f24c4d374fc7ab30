import { fileURLToPath } from 'node:url';
import { createPool, ensureDatabase, migrate } from '@scale-models/postgres';
import { createRedis } from '@scale-models/redis';
import type { Config } from '../config.ts';

/** The connections every entrypoint needs, with the database created and migrated. */
export async function connect(
  config: Pick<Config, 'PG_URL' | 'REDIS_URL' | 'REDIS_PREFIX'>,
  name: string,
) {
  await ensureDatabase(config.PG_URL);
  const pool = createPool(config.PG_URL, { applicationName: name });
  await migrate(pool, {
    directories: [fileURLToPath(new URL('../../migrations', import.meta.url))],
  });
  const redis = createRedis(config.REDIS_URL, { name, keyPrefix: config.REDIS_PREFIX });
  return { pool, redis };
}
