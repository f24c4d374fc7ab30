import { parse as parseYaml } from 'yaml';
import { InputError, NotFoundError } from '@scale-models/errors';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import { materializeViews } from '../adapters/materializer.ts';
import { ingestRecords } from '../adapters/offline-store.ts';
import { applySpec, historyOf } from '../adapters/registry-store.ts';
import { RegistrySpecSchema } from '../domain/registry-spec.ts';
import { entitiesOfView } from '../domain/resolve-features.ts';
import { FeatureSelectionSchema } from './feature-selection-schema.ts';
import type { AppDeps } from './app-deps.ts';
import { acceptRecordStreams, recordsOf } from './read-records.ts';
import { requireApiKey } from './require-api-key.ts';
import { onlineResponseOf } from './online-response.ts';

/** Registry, offline ingestion, materialization, push and get-online-features (Feast's API). */
export function featureRoutes(deps: AppDeps): RoutePlugin {
  return (app) => {
    acceptRecordStreams(app);
    app.addContentTypeParser(
      ['application/yaml', 'application/x-yaml'],
      { parseAs: 'string' },
      (_request, body, done) => {
        try {
          done(null, parseYaml(body.toString()));
        } catch (error) {
          done(
            new InputError(
              'request.malformed_yaml',
              `the YAML body is malformed: ${(error as Error).message}`,
              { details: { field: 'body' } },
            ),
          );
        }
      },
    );
    app.addHook('onRequest', requireApiKey(deps.apiKeys));

    app.post(
      '/v1/apply',
      {
        schema: {
          body: RegistrySpecSchema,
          querystring: Type.Object({
            prune: Type.Boolean({
              default: false,
              description: 'the body is the whole registry: remove objects it does not declare',
            }),
          }),
        },
      },
      async (request) => {
        const changes = await applySpec(deps.pool, request.body, { prune: request.query.prune });
        await deps.registry.refresh();
        return {
          changes: changes.map(({ kind, name, version, deleted }) => ({
            kind,
            name,
            version,
            ...(deleted === true ? { deleted } : {}),
          })),
        };
      },
    );

    app.get('/v1/registry', () => {
      const registry = deps.registry.current();
      const list = <T>(map: Map<string, { version: number; spec: T }>) =>
        [...map.values()].map(({ version, spec }) => ({ version, ...spec }));
      return {
        entities: list(registry.entities),
        feature_views: list(registry.featureViews),
        feature_services: list(registry.featureServices),
      };
    });

    app.get(
      '/v1/registry/:kind/:name/history',
      {
        schema: {
          params: Type.Object({
            kind: Type.Union([
              Type.Literal('entity'),
              Type.Literal('feature_view'),
              Type.Literal('feature_service'),
            ]),
            name: Type.String(),
          }),
        },
      },
      async (request) => {
        const versions = await historyOf(deps.pool, request.params.kind, request.params.name);
        if (versions.length === 0)
          throw new NotFoundError(
            'registry.not_found',
            `no ${request.params.kind} ${request.params.name}`,
          );
        return { versions };
      },
    );

    app.post(
      '/v1/feature-views/:name/rows',
      { schema: { params: Type.Object({ name: Type.String() }) } },
      async (request, reply) => {
        const registry = deps.registry.current();
        const view = registry.featureViews.get(request.params.name)?.spec;
        if (view === undefined)
          throw new InputError(
            'feature_view.unknown',
            `unknown feature view ${request.params.name}`,
            { details: { field: 'name' } },
          );
        const ingested = await ingestRecords(
          deps.pool,
          view,
          entitiesOfView(registry, view),
          recordsOf(request.headers['content-type'], request.body),
        );
        return reply.code(201).send({ feature_view: view.name, ingested });
      },
    );

    app.post(
      '/v1/materialize',
      {
        schema: {
          body: Type.Object({
            feature_views: Type.Optional(Type.Array(Type.String())),
            mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')], {
              default: 'incremental',
            }),
          }),
        },
      },
      async (request) => ({
        reports: await materializeViews(
          deps.pool,
          deps.online,
          deps.registry.current(),
          request.body.feature_views,
          {
            mode: request.body.mode,
            batchSize: deps.materializeBatchSize,
          },
        ),
      }),
    );

    app.post(
      '/v1/push',
      {
        schema: {
          body: Type.Object({
            feature_view: Type.String(),
            to: Type.Union(
              [Type.Literal('online'), Type.Literal('offline'), Type.Literal('online_and_offline')],
              { default: 'online_and_offline' },
            ),
            rows: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
              minItems: 1,
              maxItems: 10_000,
            }),
          }),
        },
      },
      async (request) => deps.push(request.body),
    );

    app.post(
      '/v1/get-online-features',
      {
        // A hot path: no access lines (traces record each request); warnings and errors log.
        logLevel: 'warn',
        schema: {
          body: Type.Intersect([
            FeatureSelectionSchema,
            Type.Object({ entities: Type.Record(Type.String(), Type.Array(Type.Unknown())) }),
          ]),
        },
      },
      async (request) => {
        const { entities, ...selection } = request.body;
        return onlineResponseOf(await deps.features(selection, entities));
      },
    );

    app.get('/v1/monitoring/freshness', () => ({ features: deps.freshness.snapshot() }));
  };
}
