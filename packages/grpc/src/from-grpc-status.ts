import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError as GrpcError } from '@grpc/grpc-js';
import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  statusOf,
  TooLargeError,
  UnauthenticatedError,
  UnavailableError,
} from '@scale-models/errors';
import type { ErrorKind, ErrorOptions, ServiceError } from '@scale-models/errors';
import { ERROR_METADATA } from './error-metadata.ts';
import { GrpcStatusError } from './grpc-status-error.ts';

type ServiceErrorClass = new (
  code: string,
  message: string,
  options?: ErrorOptions,
) => ServiceError;

// Which class stands for each kind; the status of each kind stays in @scale-models/errors.
const CLASS_OF_KIND: Record<ErrorKind, ServiceErrorClass> = {
  input: InputError,
  unauthenticated: UnauthenticatedError,
  forbidden: ForbiddenError,
  'not-found': NotFoundError,
  conflict: ConflictError,
  'too-large': TooLargeError,
  unavailable: UnavailableError,
};
const KINDS = Object.keys(CLASS_OF_KIND) as ErrorKind[];

/**
 * Turns a failed call back into the error the server threw: the ServiceError class of its kind
 * with its code and details (from trailing metadata, else `grpc.<status>` for servers that do not
 * send one, or for transport failures such as UNAVAILABLE); a GrpcStatusError for statuses no
 * kind maps to.
 */
export function fromGrpcStatus(error: GrpcError): Error {
  const metadata = error.metadata ?? new Metadata();
  const kind = kindOf(error.code, metadata);
  if (kind === undefined) return new GrpcStatusError(error.code, error.details, metadata, error);
  const code = text(metadata, ERROR_METADATA.code) ?? fallbackCode(error.code);
  return new CLASS_OF_KIND[kind](code, error.details, {
    details: detailsOf(metadata),
    cause: error,
  });
}

function kindOf(code: number, metadata: Metadata): ErrorKind | undefined {
  const sent = text(metadata, ERROR_METADATA.kind);
  const sentKind = KINDS.find((kind) => kind === sent);
  // Trust the sent kind only when it agrees with the status, which proxies cannot rewrite apart.
  if (sentKind !== undefined && statusOf(sentKind).grpc === code) return sentKind;
  return KINDS.find((kind) => statusOf(kind).grpc === code);
}

function text(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}

function detailsOf(metadata: Metadata): Record<string, unknown> | undefined {
  const [value] = metadata.get(ERROR_METADATA.details);
  if (!Buffer.isBuffer(value)) return undefined;
  try {
    return JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function fallbackCode(code: number): string {
  const name = (status as Record<number, string | undefined>)[code] ?? String(code);
  return `grpc.${name.toLowerCase()}`;
}
