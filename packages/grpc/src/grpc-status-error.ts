import { Metadata, status } from '@grpc/grpc-js';

/**
 * A call that failed with a status no ServiceError stands for (DEADLINE_EXCEEDED, CANCELLED,
 * INTERNAL, UNIMPLEMENTED, …). `status` is the gRPC status number, `statusName` its name.
 */
export class GrpcStatusError extends Error {
  readonly status: number;
  readonly statusName: string;
  readonly metadata: Metadata;

  constructor(code: number, details: string, metadata: Metadata = new Metadata(), cause?: unknown) {
    const statusName = (status as Record<number, string | undefined>)[code] ?? `STATUS_${code}`;
    super(`${statusName}: ${details}`, { cause });
    this.name = 'GrpcStatusError';
    this.status = code;
    this.statusName = statusName;
    this.metadata = metadata;
  }
}
