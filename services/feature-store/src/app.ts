import { createService } from '@scale-models/service-kit';
import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import type { AppDeps } from './api/app-deps.ts';
import { featureRoutes } from './api/feature-routes.ts';
import { modelRoutes } from './api/model-routes.ts';
import { trainingSetRoutes } from './api/training-set-routes.ts';
import { v2Routes } from './api/v2-routes.ts';

/**
 * The feature store's HTTP API: registry, ingestion, materialization, push, online features,
 * training sets, model registry (`/v1`), and the KServe V2 inference protocol (`/v2`), with
 * the service kit's `/healthz`, `/readyz` and `/docs`.
 */
export function buildApp(
  deps: AppDeps & { redisReady: () => Promise<void>; logger?: LoggerOptions },
): ServiceApp {
  return createService({
    name: 'feature-store',
    bodyLimit: 8 * 2 ** 20,
    routes: [featureRoutes(deps), trainingSetRoutes(deps), modelRoutes(deps), v2Routes(deps)],
    readiness: {
      postgres: async () => {
        await deps.pool.query('SELECT 1');
      },
      redis: deps.redisReady,
    },
    logger: deps.logger,
  });
}
