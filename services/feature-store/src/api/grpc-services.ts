import type { ServerUnaryCall } from '@grpc/grpc-js';
import { loadProto, lookupService } from '@scale-models/grpc';
import type { GrpcServiceRegistration } from '@scale-models/grpc';
import { isModelReady, keysOfInputs, metadataOf, PLATFORM } from '../serving/inference-protocol.ts';
import type { AppDeps } from './app-deps.ts';
import { apiKeyCheck } from './require-api-key.ts';
import { onlineColumnsOf } from './online-response.ts';

const PROTO = (name: string) => new URL(`../../proto/${name}`, import.meta.url).pathname;

interface Contents {
  int64_contents: string[];
  bytes_contents: Buffer[];
}
interface InferInput {
  name: string;
  datatype: string;
  shape: string[];
  contents: Contents | null;
}
interface InferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: InferInput[];
}

/**
 * The feature store's grpc-js server options. Channelz is off: nothing here serves the channelz
 * service, and its per-call bookkeeping is a cost on the inference hot path.
 */
export const GRPC_SERVER_OPTIONS = { 'grpc.enable_channelz': 0 };

const versionOf = (text: string): number | undefined => (text === '' ? undefined : Number(text));

/** The KServe V2 GRPCInferenceService and feature_store.v1.OnlineFeatures, on one gRPC server. */
export function grpcServices(deps: AppDeps): GrpcServiceRegistration[] {
  const check = apiKeyCheck(deps.apiKeys);
  // As over HTTP: server liveness, readiness and metadata are open, model and feature calls need a key.
  const guarded =
    <Call extends ServerUnaryCall<unknown, unknown>, Answer>(handler: (call: Call) => Answer) =>
    (call: Call): Answer => {
      check(call.metadata.get('x-api-key')[0]);
      return handler(call);
    };
  return [
    {
      definition: lookupService(
        loadProto(PROTO('grpc_predict_v2.proto')),
        'inference.GRPCInferenceService',
      ).service,
      implementation: {
        ServerLive: () => ({ live: true }),
        ServerReady: async () => ({
          ready: await deps.pool.query('SELECT 1').then(
            () => true,
            () => false,
          ),
        }),
        ServerMetadata: () => ({ name: 'feature-store', version: '1', extensions: [] }),
        ModelReady: guarded(
          async (call: ServerUnaryCall<{ name: string; version: string }, unknown>) => ({
            ready: await isModelReady(
              deps.modelServer,
              call.request.name,
              versionOf(call.request.version),
            ),
          }),
        ),
        ModelMetadata: guarded(
          (call: ServerUnaryCall<{ name: string; version: string }, unknown>) =>
            metadataOf(deps.modelServer, call.request.name, versionOf(call.request.version)),
        ),
        ModelInfer: guarded(async (call: ServerUnaryCall<InferRequest, unknown>) => {
          const { model_name, model_version, id, inputs } = call.request;
          const version = versionOf(model_version);
          const model = await deps.modelServer.model(model_name, version);
          const tensors = inputs.map((input) => ({
            name: input.name,
            datatype: input.datatype,
            shape: input.shape.map(Number),
            data:
              input.datatype === 'BYTES'
                ? (input.contents?.bytes_contents ?? []).map((b) => b.toString('utf8'))
                : (input.contents?.int64_contents ?? []),
          }));
          const prediction = await deps.modelServer.infer(
            model_name,
            version,
            keysOfInputs(model, tensors),
          );
          return {
            model_name,
            model_version: String(prediction.version),
            id,
            outputs: [
              {
                name: 'probability',
                datatype: 'FP64',
                shape: [String(prediction.probabilities.length)],
                contents: { fp64_contents: prediction.probabilities },
              },
            ],
            parameters: { platform: { string_param: PLATFORM } },
          };
        }),
      },
    },
    {
      definition: lookupService(
        loadProto(PROTO('online_features.proto')),
        'feature_store.v1.OnlineFeatures',
      ).service,
      implementation: {
        GetOnlineFeatures: guarded(
          async (
            call: ServerUnaryCall<
              {
                features: string[];
                feature_service: string;
                entities: Record<string, { values: string[] }>;
              },
              unknown
            >,
          ) => {
            const { features, feature_service, entities } = call.request;
            const selection = feature_service === '' ? { features } : { feature_service };
            const entityColumns = Object.fromEntries(
              Object.entries(entities).map(([key, column]) => [key, column.values]),
            );
            const answer = onlineColumnsOf(await deps.features(selection, entityColumns), (ms) =>
              ms === undefined ? '0' : String(ms),
            );
            return {
              feature_names: answer.feature_names,
              results: answer.results.map((column) => ({
                values: column.values.map(grpcValueOf),
                statuses: column.statuses,
                event_timestamps_ms: column.event_timestamps,
              })),
            };
          },
        ),
      },
    },
  ];
}

function grpcValueOf(value: unknown): Record<string, unknown> {
  if (typeof value === 'number') return { double_value: value };
  if (typeof value === 'boolean') return { bool_value: value };
  if (typeof value === 'string') return { string_value: value };
  return {};
}
