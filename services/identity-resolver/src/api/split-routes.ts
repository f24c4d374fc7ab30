import type pg from 'pg';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { Projector } from '../adapters/projector.ts';
import type { ResolverSettings } from '../adapters/resolve-event.ts';
import { splitProfile } from '../adapters/split-profile.ts';
import { parseIdentifierParam } from './parse-identifier-param.ts';

export interface SplitDeps {
  pool: pg.Pool;
  projector: Projector;
  settings: ResolverSettings;
}

/**
 * Splits (unmerges): removes the evidence linking an identifier to another one (or to all) and
 * answers once the resulting profiles are rewritten in Redis and the snapshot topic.
 */
export function splitRoutes(deps: SplitDeps): RoutePlugin {
  return (app) => {
    app.post(
      '/v1/splits',
      {
        schema: {
          body: Type.Object({
            identifier: Type.String({ description: 'type:value whose links are removed' }),
            from: Type.Optional(
              Type.String({ description: 'type:value: remove only the link to this one' }),
            ),
            reason: Type.String({ minLength: 3, maxLength: 500, description: 'for the audit log' }),
          }),
        },
      },
      async (request) => {
        const { body } = request;
        const { touched, ...result } = await splitProfile(deps.pool, deps.settings, {
          identifier: parseIdentifierParam(body.identifier, deps.settings.defaultCountry),
          ...(body.from === undefined
            ? {}
            : { from: parseIdentifierParam(body.from, deps.settings.defaultCountry) }),
          reason: body.reason,
        });
        await deps.projector.project(touched);
        return result;
      },
    );
  };
}
