import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { NotFoundError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { ProfileCache } from '../adapters/profile-cache.ts';
import { queueProjection } from '../adapters/profile-state.ts';
import { readProfileView } from '../adapters/profile-view.ts';
import type { Projector } from '../adapters/projector.ts';
import { recordConsent } from '../adapters/resolve-event.ts';
import type { Identifier } from '../domain/identifiers/identifier.ts';
import { parseIdentifierParam } from './parse-identifier-param.ts';

export interface ProfileDeps {
  pool: pg.Pool;
  cache: ProfileCache;
  projector: Projector;
  defaultCountry: string;
}

const IdentifierParams = Type.Object({
  identifier: Type.String({ description: 'type:value, e.g. email:ann@example.com' }),
});

/**
 * Access logs of these routes show the route pattern, not the URL: the URL holds an email or a
 * phone number, which must never reach a log.
 */
const withoutPersonalData = {
  logSerializers: {
    req: (request: FastifyRequest) => ({
      method: request.method,
      url: request.routeOptions.url,
      remoteAddress: request.ip,
    }),
  },
};

async function profileIdOf(pool: pg.Pool, identifier: Identifier): Promise<string> {
  const { rows } = await pool.query<{ profile_id: string }>(
    'SELECT profile_id FROM identities WHERE type = $1 AND value = $2',
    [identifier.type, identifier.value],
  );
  if (rows[0] === undefined)
    throw new NotFoundError('profile.not_found', 'No profile has this identifier.');
  return rows[0].profile_id;
}

/** Profile lookup (Redis first), its audit trail, consent by purpose. */
export function profileRoutes(deps: ProfileDeps): RoutePlugin {
  return (app) => {
    app.get(
      '/v1/profiles/:identifier',
      { ...withoutPersonalData, schema: { params: IdentifierParams } },
      async (request, reply) => {
        const identifier = parseIdentifierParam(request.params.identifier, deps.defaultCountry);
        const cached = await deps.cache.lookupJson(identifier.type, identifier.value);
        if (cached !== undefined) {
          // Sent as stored: no parse and re-serialize of the view on the hot path.
          return reply
            .header('x-profile-source', 'cache')
            .type('application/json; charset=utf-8')
            .send(cached);
        }
        // Not projected yet (or Redis lost it): PostgreSQL is the source of truth.
        const view = await readProfileView(deps.pool, await profileIdOf(deps.pool, identifier));
        if (view === undefined)
          throw new NotFoundError('profile.not_found', 'No profile has this identifier.');
        return reply.header('x-profile-source', 'database').send(view);
      },
    );

    app.get(
      '/v1/profiles/:identifier/audit',
      { ...withoutPersonalData, schema: { params: IdentifierParams } },
      async (request) => {
        const profileId = await profileIdOf(
          deps.pool,
          parseIdentifierParam(request.params.identifier, deps.defaultCountry),
        );
        const { rows } = await deps.pool.query(
          `SELECT at, action, profile_id AS "profileId", other_profile_id AS "otherProfileId", reason, details
           FROM audit_log WHERE profile_id = $1 OR other_profile_id = $1 ORDER BY id`,
          [profileId],
        );
        // Why each identifier belongs: the first evidence that linked it to another one.
        const edges = await deps.pool.query(
          `SELECT a_type || ':' || a_value AS a, b_type || ':' || b_value AS b, reason, created_at AS at
           FROM identity_edges WHERE profile_id = $1 ORDER BY id`,
          [profileId],
        );
        return { profileId, entries: rows, edges: edges.rows };
      },
    );

    app.put(
      '/v1/profiles/:identifier/consent',
      {
        ...withoutPersonalData,
        schema: {
          params: IdentifierParams,
          body: Type.Object({
            purposes: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Boolean()),
          }),
        },
      },
      async (request) => {
        const profileId = await profileIdOf(
          deps.pool,
          parseIdentifierParam(request.params.identifier, deps.defaultCountry),
        );
        await withTransaction(deps.pool, async (client) => {
          await recordConsent(client, profileId, {
            context: { consent: { categoryPreferences: request.body.purposes } },
            source: 'api',
            timestamp: new Date().toISOString(),
          });
          await queueProjection(client, [profileId]);
        });
        await deps.projector.project([profileId]);
        return readProfileView(deps.pool, profileId);
      },
    );

    app.get(
      '/v1/identity-conflicts',
      {
        schema: {
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
          }),
        },
      },
      async (request) => {
        const { rows } = await deps.pool.query(
          `SELECT type, value, blocked_merges AS "blockedMerges", cardinality(profiles_involved) AS profiles, last_at AS "lastAt"
           FROM identifier_conflicts ORDER BY blocked_merges DESC, type, value LIMIT $1`,
          [request.query.limit],
        );
        return { conflicts: rows };
      },
    );
  };
}
