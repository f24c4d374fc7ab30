import { createService } from '@scale-models/service-kit';
import type { LoggerOptions, ServiceApp } from '@scale-models/service-kit';
import type { MerchantKeys } from './api/authenticate.ts';
import { operatorRoutes } from './api/operator-routes.ts';
import { paymentRoutes } from './api/payment-routes.ts';
import type { PaymentDeps } from './payments/payment-deps.ts';

export interface AppDeps extends PaymentDeps {
  merchants: MerchantKeys;
  operatorKeySha256: Buffer;
  redisReady: () => Promise<void>;
  logger?: LoggerOptions;
}

/** The payment router's HTTP API: merchants' payments, and the operator's books and jobs. */
export function buildApp(deps: AppDeps): ServiceApp {
  return createService({
    name: 'payment-router',
    routes: [
      paymentRoutes(deps, deps.merchants),
      // Its own encapsulated scope: the operator-key hook guards these routes only.
      async (app) => {
        await app.register(async (scope) => operatorRoutes(deps, deps.operatorKeySha256)(scope));
      },
    ],
    readiness: {
      postgres: async () => {
        await deps.pool.query('SELECT 1');
      },
      redis: deps.redisReady,
    },
    logger: deps.logger,
  });
}
