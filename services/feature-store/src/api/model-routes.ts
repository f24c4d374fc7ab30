import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import type { AppDeps } from './app-deps.ts';
import { requireApiKey } from './require-api-key.ts';

const ModelName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' });

/** The model registry: models, versions with lineage and artifacts, aliases; and monitoring. */
export function modelRoutes(deps: AppDeps): RoutePlugin {
  return (app) => {
    app.addHook('onRequest', requireApiKey(deps.apiKeys));

    app.post(
      '/v1/models',
      {
        schema: {
          body: Type.Object({ name: ModelName, description: Type.String({ default: '' }) }),
        },
      },
      async (request, reply) => {
        await deps.models.createModel(request.body.name, request.body.description);
        return reply.code(201).send(await deps.models.getModel(request.body.name));
      },
    );

    app.get(
      '/v1/models/:name',
      { schema: { params: Type.Object({ name: Type.String() }) } },
      (request) => deps.models.getModel(request.params.name),
    );

    app.post(
      '/v1/models/:name/versions',
      {
        bodyLimit: 16 * 2 ** 20,
        schema: {
          params: Type.Object({ name: Type.String() }),
          body: Type.Object({
            artifact: Type.Record(Type.String(), Type.Unknown()),
            feature_service: Type.Optional(Type.String()),
            training_set_id: Type.Optional(Type.String({ format: 'uuid' })),
            metrics: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          }),
        },
      },
      async (request, reply) =>
        reply.code(201).send(await deps.models.registerVersion(request.params.name, request.body)),
    );

    app.put(
      '/v1/models/:name/aliases/:alias',
      {
        schema: {
          params: Type.Object({
            name: Type.String(),
            alias: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,30}$' }),
          }),
          body: Type.Object({ version: Type.Integer({ minimum: 1 }) }),
        },
      },
      async (request) => {
        await deps.modelServer.moveAlias(
          request.params.name,
          request.params.alias,
          request.body.version,
        );
        return {
          model: request.params.name,
          alias: request.params.alias,
          version: request.body.version,
        };
      },
    );

    app.get(
      '/v1/models/:name/serving',
      { schema: { params: Type.Object({ name: Type.String() }) } },
      (request) => {
        const name = request.params.name;
        return {
          champion: deps.modelServer.servedVersion(name) ?? null,
          loaded_versions: deps.modelServer.loadedVersions(name),
          batching: deps.modelServer.batchStats(name) ?? null,
          shadow: deps.modelServer.shadowStats(name) ?? null,
          drift: deps.modelServer.drift(name),
        };
      },
    );
  };
}
