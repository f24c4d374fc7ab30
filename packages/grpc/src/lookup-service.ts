import type { GrpcObject, ServiceClientConstructor } from '@grpc/grpc-js';

/**
 * The service `fullName` (e.g. `shop.v1.Catalog`) of a loaded proto: both the client
 * constructor and, as `.service`, the definition a server registers.
 */
export function lookupService(proto: GrpcObject, fullName: string): ServiceClientConstructor {
  let node: unknown = proto;
  for (const part of fullName.split('.')) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof node !== 'function' || !('service' in node)) {
    throw new Error(`no gRPC service ${fullName} in the loaded proto`);
  }
  return node as ServiceClientConstructor;
}
