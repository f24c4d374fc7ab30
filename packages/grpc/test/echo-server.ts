import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  TooLargeError,
  UnauthenticatedError,
  UnavailableError,
} from '@scale-models/errors';
import type { ErrorKind, ErrorOptions, ServiceError } from '@scale-models/errors';
import { afterEach } from 'vitest';
import {
  createGrpcClient,
  createGrpcServer,
  HEALTH_PROTO_PATH,
  loadProto,
  lookupService,
} from '../src/index.ts';
import type { GrpcLogger, GrpcServer } from '../src/index.ts';

export const ERROR_CLASSES: Record<
  ErrorKind,
  new (code: string, message: string, options?: ErrorOptions) => ServiceError
> = {
  input: InputError,
  unauthenticated: UnauthenticatedError,
  forbidden: ForbiddenError,
  'not-found': NotFoundError,
  conflict: ConflictError,
  'too-large': TooLargeError,
  unavailable: UnavailableError,
};

export const Health = lookupService(loadProto(HEALTH_PROTO_PATH), 'grpc.health.v1.Health');

export const ECHO_SERVICE = 'scale.test.v1.Echo';
export const Echo = lookupService(
  loadProto(new URL('./protos/echo.proto', import.meta.url).pathname),
  ECHO_SERVICE,
);

interface SayRequest {
  text: string;
  big: string;
}
interface CountRequest {
  up_to: number;
  fail_after: boolean;
}

export interface EchoFixture {
  server: GrpcServer;
  address: string;
  client: InstanceType<typeof Echo>;
  /** What the server logged. */
  logged: { fields: Record<string, unknown>; message: string }[];
  /** Resolves when a Wait call has arrived; Wait then holds until `release()`. */
  waiting: () => Promise<void>;
  release: () => void;
}

/** A real server on a random loopback port, with a client of it. */
export async function startEcho(): Promise<EchoFixture> {
  const logged: EchoFixture['logged'] = [];
  const log: GrpcLogger = { error: (fields, message) => logged.push({ fields, message }) };
  const arrived = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<void>();
  const server = createGrpcServer({
    log,
    services: [
      {
        definition: Echo.service,
        implementation: {
          Say: (call: ServerUnaryCall<SayRequest, unknown>) => ({
            text: call.request.text,
            big: call.request.big,
            echoed_header: call.metadata.get('x-test-header')[0] ?? '',
          }),
          Fail: (call: ServerUnaryCall<{ kind: string }, unknown>) => {
            const kind = call.request.kind as ErrorKind;
            if (!(kind in ERROR_CLASSES)) throw new Error('db password is hunter2');
            throw new ERROR_CLASSES[kind](`test.${kind}`, `failed as ${kind}`, {
              details: { field: 'näme' },
            });
          },
          Wait: async (call: ServerUnaryCall<SayRequest, unknown>) => {
            arrived.resolve();
            // Holds until the test releases it or the client gives up (deadline, cancel).
            await Promise.race([gate.promise, new Promise((done) => call.on('cancelled', done))]);
            return { text: `waited for ${call.request.text}` };
          },
          Count: (call: ServerWritableStream<CountRequest, unknown>) => {
            for (let n = 1; n <= call.request.up_to; n++) call.write({ n });
            if (call.request.fail_after) throw new NotFoundError('test.count_gone', 'no more');
          },
        },
      },
    ],
  });
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  return {
    server,
    address,
    client: createGrpcClient(Echo, address),
    logged,
    waiting: () => arrived.promise,
    release: () => gate.resolve(),
  };
}

/** Starts an Echo server for the test and stops it after, even when the test fails. */
export function useEcho(): () => Promise<EchoFixture> {
  let fixture: EchoFixture | undefined;
  afterEach(async () => {
    fixture?.release();
    fixture?.client.close();
    await fixture?.server.shutdown(1_000);
    fixture = undefined;
  });
  return async () => {
    fixture = await startEcho();
    return fixture;
  };
}
