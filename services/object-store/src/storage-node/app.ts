import { createService } from '@scale-models/service-kit';
import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import type { ShardStore } from './adapters/shard-store.ts';
import { shardRoutes } from './api/shard-routes.ts';

export interface StorageNodeDeps {
  store: ShardStore;
  /** Shown as `name` on every log line, so six nodes' logs can be told apart. */
  nodeId: string;
  logger?: LoggerOptions;
}

export function buildStorageNodeApp(deps: StorageNodeDeps): ServiceApp {
  return createService({
    name: deps.nodeId,
    routes: [shardRoutes(deps.store)],
    readiness: { 'data-dir': () => deps.store.checkWritable() },
    logger: deps.logger,
  });
}
