import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import { createTrainingSet, getTrainingSet, streamTrainingSet } from '../adapters/training-sets.ts';
import type { TrainingRow } from '../adapters/training-sets.ts';
import type { AppDeps } from './app-deps.ts';
import { acceptRecordStreams, NDJSON, recordsOf } from './read-records.ts';
import { requireApiKey } from './require-api-key.ts';

/** Point-in-time correct training sets: store an entity dataframe, stream the joined rows. */
export function trainingSetRoutes(deps: AppDeps): RoutePlugin {
  return (app) => {
    acceptRecordStreams(app);
    app.addHook('onRequest', requireApiKey(deps.apiKeys));
    app.post(
      '/v1/training-sets',
      {
        schema: {
          querystring: Type.Object({
            feature_service: Type.Optional(Type.String()),
            features: Type.Optional(
              Type.String({ description: 'comma-separated view:feature references' }),
            ),
          }),
        },
      },
      async (request, reply) => {
        const { feature_service, features } = request.query;
        const selection =
          feature_service !== undefined
            ? { feature_service }
            : { features: features?.split(',').filter(Boolean) ?? [] };
        const set = await createTrainingSet(
          deps.pool,
          deps.registry.current(),
          selection,
          recordsOf(request.headers['content-type'], request.body),
        );
        return reply.code(201).send(set);
      },
    );

    app.get(
      '/v1/training-sets/:id',
      { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
      (request) => getTrainingSet(deps.pool, request.params.id),
    );

    app.get(
      '/v1/training-sets/:id/rows',
      { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
      async (request, reply) => {
        await getTrainingSet(deps.pool, request.params.id); // a 404 before the stream starts
        const rows = streamTrainingSet(deps.pool, deps.registry.current(), request.params.id);
        if (request.headers.accept?.includes(NDJSON)) {
          return reply.type(NDJSON).send(Readable.from(ndjson(rows)));
        }
        return reply
          .type('text/csv; charset=utf-8')
          .send(Readable.from(rows).pipe(stringify({ header: true })));
      },
    );
  };
}

async function* ndjson(rows: AsyncIterable<TrainingRow>): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(row)}\n`;
}
