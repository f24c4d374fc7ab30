import { loadConfigOrExit, runService } from '@scale-models/service-kit';
import { createShardStore } from '../storage-node/adapters/shard-store.ts';
import { buildStorageNodeApp } from '../storage-node/app.ts';
import { StorageNodeConfig } from '../storage-node/config.ts';

const config = loadConfigOrExit(StorageNodeConfig);
const store = createShardStore({
  dataDir: config.DATA_DIR,
  blockSize: config.BLOCK_SIZE,
  maxShardLength: config.MAX_SHARD_BYTES,
});
await store.prepare();
const app = buildStorageNodeApp({
  store,
  nodeId: config.NODE_ID,
  logger: { level: config.LOG_LEVEL },
});
await runService(app, { port: config.PORT });
