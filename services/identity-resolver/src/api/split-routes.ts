import type pg from 'pg';
import { InputError } from '@scale-models/errors';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { Projector } from '../adapters/projector.ts';
import type { ResolverSettings } from '../adapters/resolve-event.ts';
import { splitProfile } from '../adapters/split-profile.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';
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
        const identifier = parseIdentifierParam(body.identifier, deps.settings.defaultCountry);
        const from =
          body.from === undefined
            ? undefined
            : parseIdentifierParam(body.from, deps.settings.defaultCountry);
        if (from !== undefined && identifierKey(from) === identifierKey(identifier))
          throw new InputError('split.same_identifier', 'An identifier has no link to itself.');
        const { touched, ...result } = await splitProfile(deps.pool, deps.settings, {
          identifier,
          ...(from === undefined ? {} : { from }),
          reason: body.reason,
        });
        await deps.projector.project(touched);
        return result;
      },
    );
  };
}
