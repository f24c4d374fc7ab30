import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { createMatchStore } from '../adapters/match-store.ts';
import { openStores } from '../adapters/open-stores.ts';
import { publishEvents } from '../adapters/publish-events.ts';
import { IngestStats } from '../api/ingest-stats.ts';
import { buildApp } from '../app.ts';
import { ConfigSchema, parseWriteKeys } from '../config.ts';

const config = loadConfigOrExit(ConfigSchema);
const stores = await openStores(config, 'identity-resolver-api');
const app = buildApp({
  ...stores,
  matchStore: createMatchStore(stores.pool, config.DEFAULT_COUNTRY),
  publish: (events) => publishEvents(stores.producer, stores.contracts, events),
  writeKeys: parseWriteKeys(config.WRITE_KEYS),
  adminToken: config.ADMIN_TOKEN,
  defaultCountry: config.DEFAULT_COUNTRY,
  stats: new IngestStats(),
  readiness: {
    postgres: async () => void (await stores.pool.query('SELECT 1')),
    redis: stores.redis.ready,
  },
  logger: { level: config.LOG_LEVEL },
});
await runService(app, {
  port: config.PORT,
  onShutdown: [{ name: 'stores', close: () => stores.close() }],
});
