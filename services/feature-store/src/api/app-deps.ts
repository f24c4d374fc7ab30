import type pg from 'pg';
import type { ModelRegistry } from '../adapters/model-registry.ts';
import type { OnlineStore } from '../adapters/online-store.ts';
import type { RegistryCache } from '../adapters/registry-cache.ts';
import type { FreshnessMonitor } from '../serving/freshness-monitor.ts';
import type { ModelServer } from '../serving/model-server.ts';
import type { GetOnlineFeatures } from '../serving/online-features.ts';
import type { PushRows } from '../serving/push-rows.ts';

/** Everything the HTTP and gRPC APIs use; built by src/bin/server.ts or by a test. */
export interface AppDeps {
  pool: pg.Pool;
  online: OnlineStore;
  registry: RegistryCache;
  features: GetOnlineFeatures;
  freshness: FreshnessMonitor;
  push: PushRows;
  models: ModelRegistry;
  modelServer: ModelServer;
  apiKeys: string[];
  materializeBatchSize: number;
}
