import type { RoutePlugin } from '@scale-models/service-kit';
import { trialBalance } from '../adapters/ledger-store.ts';
import type { PaymentDeps } from '../payments/payment-deps.ts';
import { reconcileDay } from '../payments/reconcile-day.ts';
import { requireOperator } from './authenticate.ts';
import { ReconcileBody } from './schemas.ts';
import { InputError } from '@scale-models/errors';

/** Books-wide views and jobs, for the operator key only. */
export function operatorRoutes(deps: PaymentDeps, operatorKeySha256: Buffer): RoutePlugin {
  return (app) => {
    app.addHook('onRequest', (request, _reply, done) => {
      requireOperator(request, operatorKeySha256);
      done();
    });
    app.get('/v1/ledger/trial-balance', () => trialBalance(deps.pool));
    app.get('/v1/routing', () => deps.routing.stats());
    app.post('/v1/reconciliations', { schema: { body: ReconcileBody } }, (request) => {
      if (!deps.psps.has(request.body.psp)) {
        throw new InputError('reconciliation.unknown_psp', `No PSP named ${request.body.psp}.`);
      }
      return reconcileDay(deps, request.body.psp, request.body.day);
    });
  };
}
