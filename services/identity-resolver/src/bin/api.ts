import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { openStores } from '../adapters/open-stores.ts';
import { IngestStats } from '../api/ingest-stats.ts';
import { appFromStores } from '../app-from-stores.ts';
import { ConfigSchema } from '../config.ts';

const config = loadConfigOrExit(ConfigSchema);
const stores = await openStores(config, 'identity-resolver-api');
const app = appFromStores(stores, config, new IngestStats(), { level: config.LOG_LEVEL });
await runService(app, {
  port: config.PORT,
  onShutdown: [{ name: 'stores', close: () => stores.close() }],
});
