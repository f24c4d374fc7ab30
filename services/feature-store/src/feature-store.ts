import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { AppDeps } from './api/app-deps.ts';
import type { ArtifactStore } from './adapters/artifact-store.ts';
import { createModelRegistry } from './adapters/model-registry.ts';
import { createOnlineStore } from './adapters/online-store.ts';
import { createRegistryCache } from './adapters/registry-cache.ts';
import { createFreshnessMonitor } from './serving/freshness-monitor.ts';
import { createModelServer } from './serving/model-server.ts';
import type { BatchingConfig } from './serving/model-server.ts';
import { createOnlineFeatures } from './serving/online-features.ts';
import { createPushRows } from './serving/push-rows.ts';

export interface FeatureStoreOptions {
  pool: pg.Pool;
  redis: Redis;
  artifacts: ArtifactStore;
  apiKeys: string[];
  batching: BatchingConfig;
  refreshMs: number;
  materializeBatchSize: number;
  onError?: (message: string, error: unknown) => void;
}

export interface FeatureStore extends AppDeps {
  /** Stops the registry and alias polls. */
  stop(): void;
}

/** Wires the feature store's parts over given connections: the server's and the tests' one wiring. */
export async function createFeatureStore(options: FeatureStoreOptions): Promise<FeatureStore> {
  const registry = await createRegistryCache(options.pool, options.refreshMs);
  const online = createOnlineStore(options.redis);
  const freshness = createFreshnessMonitor();
  const features = createOnlineFeatures(() => registry.current(), online, freshness);
  const models = createModelRegistry(options.pool, options.artifacts);
  const modelServer = createModelServer({
    models,
    registry: () => registry.current(),
    features,
    batching: options.batching,
    onError: options.onError,
  });
  await modelServer.syncAliases();
  const aliasPoll = setInterval(() => {
    modelServer
      .syncAliases()
      .catch((error: unknown) => options.onError?.('alias poll failed', error));
  }, options.refreshMs);
  aliasPoll.unref();
  return {
    pool: options.pool,
    online,
    registry,
    features,
    freshness,
    push: createPushRows(options.pool, online, () => registry.current()),
    models,
    modelServer,
    apiKeys: options.apiKeys,
    materializeBatchSize: options.materializeBatchSize,
    stop() {
      clearInterval(aliasPoll);
      registry.stop();
    },
  };
}
