import type { EventProducer } from '@scale-models/kafka';
import { createService } from '@scale-models/service-kit';
import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import type { QueryManager } from './adapters/query-manager.ts';
import { requireApiKey } from './api/authenticate.ts';
import { clickRoutes } from './api/click-routes.ts';
import { dashboardRoutes } from './api/dashboard-routes.ts';
import { queryRoutes } from './api/query-routes.ts';
import type { clickRecorded } from './contracts.ts';

export interface AppDeps {
  queries: QueryManager;
  producer: EventProducer;
  clicks: ReturnType<typeof clickRecorded>;
  apiKeys: string[];
  ready: { kafka: () => Promise<void>; redis: () => Promise<void>; postgres?: () => Promise<void> };
  logger?: LoggerOptions;
}

/** The HTTP face of the engine: queries, live results (pull and SSE), click ingest, dashboard. */
export function buildApp(deps: AppDeps): ServiceApp {
  const authenticate = requireApiKey(deps.apiKeys);
  return createService({
    name: 'stream-processor',
    routes: [
      queryRoutes(deps.queries, authenticate),
      clickRoutes(deps.producer, deps.clicks, authenticate),
      dashboardRoutes(),
    ],
    readiness: deps.ready,
    logger: deps.logger,
  });
}
