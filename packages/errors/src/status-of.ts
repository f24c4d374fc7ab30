import type { ErrorKind } from './service-errors.ts';

export interface TransportStatus {
  http: number;
  /** gRPC status code (the numbers of `grpc.status`, fixed by the gRPC spec). */
  grpc: number;
}

// The one place where error kinds meet transport statuses.
const STATUS: Record<ErrorKind, TransportStatus> = {
  input: { http: 400, grpc: 3 /* INVALID_ARGUMENT */ },
  unauthenticated: { http: 401, grpc: 16 /* UNAUTHENTICATED */ },
  forbidden: { http: 403, grpc: 7 /* PERMISSION_DENIED */ },
  'not-found': { http: 404, grpc: 5 /* NOT_FOUND */ },
  conflict: { http: 409, grpc: 9 /* FAILED_PRECONDITION */ },
  'too-large': { http: 413, grpc: 8 /* RESOURCE_EXHAUSTED */ },
  unavailable: { http: 503, grpc: 14 /* UNAVAILABLE */ },
};

export function statusOf(kind: ErrorKind): TransportStatus {
  return STATUS[kind];
}
