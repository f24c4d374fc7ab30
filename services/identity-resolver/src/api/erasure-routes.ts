import type pg from 'pg';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import { erasePerson } from '../adapters/erase-person.ts';
import type { Projector } from '../adapters/projector.ts';
import type { Contracts } from '../contracts.ts';
import { parseIdentifierParam } from './parse-identifier-param.ts';

export interface ErasureDeps {
  pool: pg.Pool;
  projector: Projector;
  contracts: Contracts;
  defaultCountry: string;
}

/** GDPR erasure: answers once PostgreSQL, Redis and the compacted snapshot topic are clean. */
export function erasureRoutes(deps: ErasureDeps): RoutePlugin {
  return (app) => {
    app.post(
      '/v1/erasures',
      {
        schema: {
          body: Type.Object({
            identifier: Type.String({ description: 'type:value of the person to erase' }),
          }),
        },
      },
      async (request, reply) => {
        const identifier = parseIdentifierParam(request.body.identifier, deps.defaultCountry);
        const { profileIds, ...receipt } = await erasePerson(deps.pool, deps.contracts, identifier);
        await deps.projector.project(profileIds);
        return reply.status(201).send(receipt);
      },
    );
  };
}
