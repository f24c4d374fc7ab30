import type pg from 'pg';
import { createService } from '@scale-models/service-kit';
import type {
  LoggerOptions,
  ReadinessCheck,
  RoutePlugin,
  ServiceApp,
} from '@scale-models/service-kit';
import type { MatchStore } from './adapters/match-store.ts';
import type { ProfileCache } from './adapters/profile-cache.ts';
import type { Projector } from './adapters/projector.ts';
import type { ResolverSettings } from './adapters/resolve-event.ts';
import { requireAdminToken } from './api/admin-auth.ts';
import { erasureRoutes } from './api/erasure-routes.ts';
import type { IngestStats } from './api/ingest-stats.ts';
import { matchingRoutes } from './api/matching-routes.ts';
import { profileRoutes } from './api/profile-routes.ts';
import { segmentRoutes } from './api/segment-routes.ts';
import { splitRoutes } from './api/split-routes.ts';
import { trackingRoutes } from './api/tracking-routes.ts';
import type { Contracts } from './contracts.ts';
import type { ReceivedEvent } from './domain/tracking/tracking-message.ts';

export interface AppDeps {
  pool: pg.Pool;
  cache: ProfileCache;
  projector: Projector;
  matchStore: MatchStore;
  contracts: Contracts;
  /** Merge limits and trait rules: a split recomputes profiles as the resolver does. */
  settings: ResolverSettings;
  /** Writes accepted calls to the event topic. */
  publish(events: ReceivedEvent[]): Promise<void>;
  writeKeys: Map<string, string>;
  adminToken: string;
  defaultCountry: string;
  stats: IngestStats;
  readiness?: Record<string, ReadinessCheck>;
  logger?: LoggerOptions;
}

/** The HTTP API: Segment-compatible tracking (write keys) and the operator APIs (admin token). */
export function buildApp(deps: AppDeps): ServiceApp {
  const admin: RoutePlugin = async (app) => {
    requireAdminToken(app, deps.adminToken);
    await app.register(async (scope) => profileRoutes(deps)(scope));
    await app.register(async (scope) => erasureRoutes(deps)(scope));
    await app.register(async (scope) => splitRoutes(deps)(scope));
    await app.register(async (scope) => segmentRoutes(deps)(scope));
    await app.register(async (scope) => matchingRoutes({ ...deps, store: deps.matchStore })(scope));
    app.get('/v1/ingest/stats', () => deps.stats.snapshot());
  };
  return createService({
    name: 'identity-resolver',
    version: '0.1.0',
    routes: [trackingRoutes(deps), admin],
    readiness: deps.readiness,
    logger: deps.logger,
  });
}
