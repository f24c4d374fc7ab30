import type {
  MethodDefinition,
  sendUnaryData,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { GrpcLogger } from './logger.ts';
import { toGrpcStatus } from './to-grpc-status.ts';

/**
 * A handler returns (or resolves to) the response for unary and client-streaming methods, and
 * resolves when done writing for server-streaming and bidi methods; it throws to fail.
 * The call is `any` because proto-loader types messages only at run time: annotate it,
 * e.g. `(call: ServerUnaryCall<GetRequest, Item>) => …`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type GrpcHandler = (call: any) => unknown;
export type GrpcImplementation = Record<string, GrpcHandler>;

type AnyMethod = MethodDefinition<unknown, unknown>;

/** The grpc-js implementation of a service whose handlers may throw and return promises. */
export function wrapService(
  definition: ServiceDefinition,
  implementation: GrpcImplementation,
  log: GrpcLogger,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  const used = new Set<string>();
  for (const [name, method] of Object.entries(definition) as [string, AnyMethod][]) {
    const key = name in implementation ? name : method.originalName;
    const handler = key === undefined ? undefined : implementation[key];
    if (handler === undefined) continue; // grpc-js answers UNIMPLEMENTED
    used.add(key!);
    wrapped[name] = wrapHandler(handler, method, log);
  }
  const unknown = Object.keys(implementation).filter((key) => !used.has(key));
  if (unknown.length > 0)
    throw new Error(`handlers for no method of the service: ${unknown.join(', ')}`);
  return wrapped;
}

function wrapHandler(handler: GrpcHandler, method: AnyMethod, log: GrpcLogger): UntypedHandleCall {
  if (method.responseStream) {
    return (call: ServerWritableStream<unknown, unknown>) =>
      void stream(handler, call, method, log);
  }
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
    void respond(handler, call, callback, method, log);
}

async function respond(
  handler: GrpcHandler,
  call: ServerUnaryCall<unknown, unknown>,
  callback: sendUnaryData<unknown>,
  method: AnyMethod,
  log: GrpcLogger,
): Promise<void> {
  try {
    const response = await handler(call);
    if (!call.cancelled) callback(null, response);
  } catch (error) {
    if (!call.cancelled) callback(toGrpcStatus(error, method.path, log));
  }
}

async function stream(
  handler: GrpcHandler,
  call: ServerWritableStream<unknown, unknown>,
  method: AnyMethod,
  log: GrpcLogger,
): Promise<void> {
  try {
    await handler(call);
    if (!call.cancelled && !call.writableEnded) call.end();
  } catch (error) {
    // grpc-js turns an 'error' event carrying a status into the call's final status.
    if (!call.cancelled) call.emit('error', toGrpcStatus(error, method.path, log));
  }
}
