import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, Client, ServiceError as GrpcError } from '@grpc/grpc-js';
import { fromGrpcStatus } from './from-grpc-status.ts';

/** Every call has a deadline: a slow server must not hold its callers forever. */
export const DEFAULT_DEADLINE_MS = 5_000;

export interface UnaryCallOptions {
  /** Milliseconds from now; DEFAULT_DEADLINE_MS when absent. */
  deadlineMs?: number;
  /** Sent as is; trace context is added to it by OpenTelemetry's grpc instrumentation. */
  metadata?: Metadata;
  /** Other grpc-js call options, e.g. `{ parent: call }` to inherit a handler's deadline. */
  callOptions?: CallOptions;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: GrpcError | null, response?: unknown) => void,
) => unknown;

/**
 * Calls unary `method` of `client` and resolves to its response; a failed call rejects with
 * the ServiceError the server threw (same class, code, details) or a GrpcStatusError.
 */
export function callUnary<Response = unknown>(
  client: Client,
  method: string,
  request: unknown,
  {
    deadlineMs = DEFAULT_DEADLINE_MS,
    metadata = new Metadata(),
    callOptions,
  }: UnaryCallOptions = {},
): Promise<Response> {
  const call = (client as unknown as Record<string, unknown>)[method];
  if (typeof call !== 'function') {
    return Promise.reject(new TypeError(`the client has no method ${method}`));
  }
  const options: CallOptions = { ...callOptions, deadline: Date.now() + deadlineMs };
  return new Promise((resolve, reject) => {
    (call as UnaryMethod).call(client, request, metadata, options, (error, response) => {
      if (error === null) resolve(response as Response);
      else reject(fromGrpcStatus(error));
    });
  });
}
