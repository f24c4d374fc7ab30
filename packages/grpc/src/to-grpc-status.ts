import { Metadata, status } from '@grpc/grpc-js';
import type { StatusObject } from '@grpc/grpc-js';
import { ServiceError, statusOf } from '@scale-models/errors';
import { ERROR_METADATA } from './error-metadata.ts';
import type { GrpcLogger } from './logger.ts';

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * The status a handler's thrown error becomes: a ServiceError keeps its message and travels
 * with its code, kind and details; anything else is a bug, logged here with its stack and
 * shown to the client only as INTERNAL with a generic message.
 */
export function toGrpcStatus(error: unknown, path: string, log: GrpcLogger): StatusObject {
  if (error instanceof ServiceError) {
    return { code: statusOf(error.kind).grpc, details: error.message, metadata: trailersOf(error) };
  }
  log.error({ err: describe(error), path }, 'gRPC handler failed');
  return { code: status.INTERNAL, details: INTERNAL_MESSAGE, metadata: new Metadata() };
}

function trailersOf(error: ServiceError): Metadata {
  const metadata = new Metadata();
  metadata.set(ERROR_METADATA.code, error.code);
  metadata.set(ERROR_METADATA.kind, error.kind);
  if (error.details !== undefined) {
    metadata.set(ERROR_METADATA.details, Buffer.from(JSON.stringify(error.details)));
  }
  return metadata;
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { type: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
