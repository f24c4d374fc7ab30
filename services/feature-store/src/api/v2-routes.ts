import { ServiceError, statusOf } from '@scale-models/errors';
import { Type } from '@scale-models/service-kit';
import type { RoutePlugin } from '@scale-models/service-kit';
import {
  isModelReady,
  keysOfInputs,
  metadataOf,
  outputsOf,
} from '../serving/inference-protocol.ts';
import type { V2Tensor } from '../serving/inference-protocol.ts';
import type { AppDeps } from './app-deps.ts';
import { requireApiKey } from './require-api-key.ts';

const Tensor = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 8 }),
  data: Type.Array(Type.Unknown(), { maxItems: 10_000 }),
});
const InferRequest = Type.Object({
  id: Type.Optional(Type.String()),
  inputs: Type.Array(Tensor, { maxItems: 8 }),
});
// The answer's schema documents it in OpenAPI. (Fastify also compiles a serializer from it;
// measured, that saves under 0.1 µs per answer over JSON.stringify, so it is not here for speed.)
const InferResponse = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.String(),
  outputs: Type.Array(
    Type.Object({
      name: Type.String(),
      datatype: Type.String(),
      shape: Type.Array(Type.Integer()),
      data: Type.Array(Type.Number()),
    }),
  ),
});
const Model = Type.Object({ name: Type.String() });
const ModelVersion = Type.Object({ name: Type.String(), version: Type.Integer({ minimum: 1 }) });

/**
 * KServe V2 Open Inference Protocol, REST. Errors in the protocol's own `{ "error": … }` form,
 * with our stable `code` (and the `field` at fault, when known) beside it.
 */
export function v2Routes(deps: AppDeps): RoutePlugin {
  return (app) => {
    app.setErrorHandler((error, request, reply) => {
      const service = error instanceof ServiceError ? error : undefined;
      const validation = (error as { validation?: unknown }).validation !== undefined;
      const status = service !== undefined ? statusOf(service.kind).http : validation ? 400 : 500;
      if (status === 500) request.log.error({ err: error }, 'inference request failed');
      const field = service?.details?.field;
      return reply.code(status).send({
        error: status === 500 ? 'internal error' : (error as Error).message,
        code: service?.code ?? (validation ? 'request.invalid' : 'internal'),
        // Beside the protocol's `error`: which input was wrong, e.g. `inputs.merchant_id.shape`.
        ...(typeof field === 'string' ? { field } : {}),
      });
    });

    // Server health and metadata stay open for probes; every model route needs a key.
    const guarded = { onRequest: requireApiKey(deps.apiKeys) };
    app.get('/v2', () => ({ name: 'feature-store', version: '1', extensions: [] }));
    app.get('/v2/health/live', () => ({ live: true }));
    app.get('/v2/health/ready', async (_request, reply) => {
      const ready = await deps.pool.query('SELECT 1').then(
        () => true,
        () => false,
      );
      return reply.code(ready ? 200 : 503).send({ ready });
    });

    app.get('/v2/models/:name', { ...guarded, schema: { params: Model } }, (request) =>
      metadataOf(deps.modelServer, request.params.name),
    );
    app.get(
      '/v2/models/:name/versions/:version',
      { ...guarded, schema: { params: ModelVersion } },
      (request) => metadataOf(deps.modelServer, request.params.name, request.params.version),
    );
    app.get('/v2/models/:name/ready', { ...guarded, schema: { params: Model } }, (request, reply) =>
      ready(reply, request.params.name),
    );
    app.get(
      '/v2/models/:name/versions/:version/ready',
      { ...guarded, schema: { params: ModelVersion } },
      (request, reply) => ready(reply, request.params.name, request.params.version),
    );

    // The hot path logs no access lines (the trace records each request): at the default level
    // (info) the two lines per inference cost 15-20 µs of CPU, a quarter of a batched request.
    // Warnings and errors still log.
    const hot = { ...guarded, logLevel: 'warn' as const };
    const inferResponse = { 200: InferResponse };
    app.post(
      '/v2/models/:name/infer',
      { ...hot, schema: { params: Model, body: InferRequest, response: inferResponse } },
      (request) => infer(request.params.name, undefined, request.body),
    );
    app.post(
      '/v2/models/:name/versions/:version/infer',
      { ...hot, schema: { params: ModelVersion, body: InferRequest, response: inferResponse } },
      (request) => infer(request.params.name, request.params.version, request.body),
    );

    async function ready(
      reply: { code(n: number): { send(body: unknown): unknown } },
      name: string,
      version?: number,
    ) {
      const isReady = await isModelReady(deps.modelServer, name, version);
      return reply.code(isReady ? 200 : 400).send({ name, ready: isReady });
    }

    async function infer(
      name: string,
      version: number | undefined,
      body: { id?: string; inputs: V2Tensor[] },
    ) {
      const model = await deps.modelServer.model(name, version);
      const prediction = await deps.modelServer.infer(
        name,
        version,
        keysOfInputs(model, body.inputs),
      );
      return {
        model_name: name,
        model_version: String(prediction.version),
        id: body.id ?? '',
        outputs: outputsOf(prediction),
      };
    }
  };
}
