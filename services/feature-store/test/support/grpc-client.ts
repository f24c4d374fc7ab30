import { credentials } from '@grpc/grpc-js';
import { createGrpcServer, loadProto, lookupService } from '@scale-models/grpc';
import { grpcServices } from '../../src/api/grpc-services.ts';

export type GrpcClient = InstanceType<ReturnType<typeof lookupService>>;

const SERVICE_OF = {
  'online_features.proto': 'feature_store.v1.OnlineFeatures',
  'grpc_predict_v2.proto': 'inference.GRPCInferenceService',
} as const;

export interface ServedGrpc {
  client: GrpcClient;
  close(): Promise<void>;
}

/** The store's gRPC services on a free port, and a client of the one `proto` declares. */
export async function serveGrpc(
  store: Parameters<typeof grpcServices>[0],
  proto: keyof typeof SERVICE_OF,
): Promise<ServedGrpc> {
  const server = createGrpcServer({ services: grpcServices(store) });
  const port = await server.listen('127.0.0.1:0');
  const Client = lookupService(
    loadProto(new URL(`../../proto/${proto}`, import.meta.url).pathname),
    SERVICE_OF[proto],
  );
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return {
    client,
    async close() {
      client.close();
      await server.shutdown(1000);
    },
  };
}
