import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import { createMatchStore } from './adapters/match-store.ts';
import type { Stores } from './adapters/open-stores.ts';
import { publishEvents } from './adapters/publish-events.ts';
import type { IngestStats } from './api/ingest-stats.ts';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { parseWriteKeys } from './config.ts';

/** The API wired to opened stores: what the entrypoint runs and what tests inject into. */
export function appFromStores(
  stores: Stores,
  config: Config,
  stats: IngestStats,
  logger: LoggerOptions,
): ServiceApp {
  return buildApp({
    ...stores,
    matchStore: createMatchStore(stores.pool, config.DEFAULT_COUNTRY),
    publish: (events) => publishEvents(stores.producer, stores.contracts, events),
    writeKeys: parseWriteKeys(config.WRITE_KEYS),
    adminToken: config.ADMIN_TOKEN,
    defaultCountry: config.DEFAULT_COUNTRY,
    stats,
    readiness: {
      postgres: async () => void (await stores.pool.query('SELECT 1')),
      redis: stores.redis.ready,
    },
    logger,
  });
}
