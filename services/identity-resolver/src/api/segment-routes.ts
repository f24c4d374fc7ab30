import type pg from 'pg';
import { NotFoundError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { ProfileState } from '../adapters/profile-state.ts';
import { queueProjection } from '../adapters/profile-state.ts';
import type { Projector } from '../adapters/projector.ts';
import { updateMemberships } from '../adapters/segment-membership.ts';
import type { Contracts } from '../contracts.ts';

export interface SegmentDeps {
  pool: pg.Pool;
  projector: Projector;
  contracts: Contracts;
}

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
// No additionalProperties: false on the branches: fastify's Ajv removes unknown properties
// while trying the first branch, which would strip an event condition before the second.
const Condition = Type.Union([
  Type.Object({
    field: Type.String({
      pattern: '^(traits|computed)\\.',
      description: 'traits.<name> or computed.<name>',
    }),
    op: Type.Union(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'].map((op) => Type.Literal(op))),
    value: Type.Optional(Scalar),
  }),
  Type.Object({
    event: Type.String({ minLength: 1 }),
    withinDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    op: Type.Union(['gte', 'lte', 'eq'].map((op) => Type.Literal(op))),
    count: Type.Integer({ minimum: 0 }),
  }),
]);
const SegmentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  rule: Type.Object({
    match: Type.Union([Type.Literal('all'), Type.Literal('any')]),
    conditions: Type.Array(Condition, { minItems: 1, maxItems: 50 }),
  }),
});
const SegmentParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) });

/** Audiences: define (and backfill), list members for activation filtered by consent. */
export function segmentRoutes(deps: SegmentDeps): RoutePlugin {
  return (app) => {
    app.put(
      '/v1/segments/:id',
      { schema: { params: SegmentParams, body: SegmentBody } },
      async (request) => {
        const { id } = request.params;
        await deps.pool.query(
          `INSERT INTO segments (id, name, rule) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, rule = excluded.rule`,
          [id, request.body.name, request.body.rule],
        );
        const evaluated = await backfill(deps);
        return { id, evaluatedProfiles: evaluated, members: await memberCount(deps.pool, id) };
      },
    );

    app.get(
      '/v1/segments/:id/members',
      {
        schema: {
          params: SegmentParams,
          querystring: Type.Object({
            purpose: Type.Optional(
              Type.String({ description: 'only profiles that granted this purpose' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
          }),
        },
      },
      async (request) => {
        const { id } = request.params;
        const { rowCount } = await deps.pool.query('SELECT 1 FROM segments WHERE id = $1', [id]);
        if (rowCount === 0) throw new NotFoundError('segment.not_found', 'No such segment.');
        const { rows } = await deps.pool.query<{ profile_id: string }>(
          `SELECT m.profile_id FROM segment_members m
            WHERE m.segment_id = $1
              AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM consents c
                    WHERE c.profile_id = m.profile_id AND c.purpose = $2 AND c.granted))
            ORDER BY m.profile_id LIMIT $3`,
          [id, request.query.purpose ?? null, request.query.limit],
        );
        return {
          segment: id,
          purpose: request.query.purpose ?? null,
          members: rows.map((row) => row.profile_id),
        };
      },
    );
  };
}

/** Evaluates every profile against the segments (a new or changed rule), one transaction each. */
async function backfill(deps: SegmentDeps): Promise<number> {
  const { rows } = await deps.pool.query<{ id: string }>('SELECT id FROM profiles ORDER BY id');
  for (const { id } of rows) {
    await withTransaction(deps.pool, async (client) => {
      const state = await client.query<{ state: ProfileState }>(
        'SELECT state FROM profiles WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (state.rows[0] === undefined) return;
      await updateMemberships(client, deps.contracts, id, state.rows[0].state);
      await queueProjection(client, [id]);
    });
  }
  await deps.projector.project(rows.map((row) => row.id));
  return rows.length;
}

async function memberCount(pool: pg.Pool, id: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM segment_members WHERE segment_id = $1',
    [id],
  );
  return rows[0]!.n;
}
