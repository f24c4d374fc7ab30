import { protoPath } from 'grpc-health-check';

/** grpc.health.v1's .proto, for clients and probes: `lookupService(loadProto(HEALTH_PROTO_PATH), 'grpc.health.v1.Health')`. */
export const HEALTH_PROTO_PATH: string = protoPath;
