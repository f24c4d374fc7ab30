export { loadProto, PROTO_LOADER_OPTIONS } from './load-proto.ts';
export { lookupService } from './lookup-service.ts';
export { createGrpcServer } from './create-grpc-server.ts';
export type {
  GrpcServer,
  GrpcServerOptions,
  GrpcServiceRegistration,
  HealthStatus,
} from './create-grpc-server.ts';
export type { GrpcHandler, GrpcImplementation } from './wrap-service.ts';
export type { GrpcLogger } from './logger.ts';
export { createGrpcClient } from './create-grpc-client.ts';
export type { GrpcClientConstructor, GrpcClientOptions } from './create-grpc-client.ts';
export { callUnary, DEFAULT_DEADLINE_MS } from './call-unary.ts';
export type { UnaryCallOptions } from './call-unary.ts';
export { GrpcStatusError } from './grpc-status-error.ts';
export { fromGrpcStatus } from './from-grpc-status.ts';
export { toGrpcStatus, INTERNAL_MESSAGE } from './to-grpc-status.ts';
export { ERROR_METADATA } from './error-metadata.ts';
export { HEALTH_PROTO_PATH } from './health-proto-path.ts';
