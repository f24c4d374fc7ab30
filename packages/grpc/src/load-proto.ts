import { loadPackageDefinition } from '@grpc/grpc-js';
import type { GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Options } from '@grpc/proto-loader';

/**
 * One set of proto-loader options for every service, so messages look the same everywhere:
 * field names as written in the .proto, 64-bit integers as strings (no silent precision loss),
 * enums by name, absent fields at their defaults, and the set member of a oneof named.
 */
export const PROTO_LOADER_OPTIONS: Readonly<Options> = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Loads a .proto file (synchronously: at boot, where a bad file should fail the start). */
export function loadProto(path: string, options: Options = {}): GrpcObject {
  return loadPackageDefinition(loadSync(path, { ...PROTO_LOADER_OPTIONS, ...options }));
}
