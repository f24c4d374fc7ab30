import { status } from '@grpc/grpc-js';
import type { ClientReadableStream, ServiceError as GrpcError } from '@grpc/grpc-js';
import { statusOf, UnavailableError } from '@scale-models/errors';
import type { ErrorKind, ServiceError } from '@scale-models/errors';
import { describe, expect, it } from 'vitest';
import { callUnary, createGrpcClient, GrpcStatusError, INTERNAL_MESSAGE } from '../src/index.ts';
import { ECHO_SERVICE, ERROR_CLASSES, Health, useEcho } from './echo-server.ts';

const echo = useEcho();

describe('errors', () => {
  it.each(Object.keys(ERROR_CLASSES) as ErrorKind[])(
    'a thrown %s error arrives with its status, and comes back as the same class, code and details',
    async (kind) => {
      const { client } = await echo();
      const error = await callUnary(client, 'Fail', { kind }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ERROR_CLASSES[kind]);
      expect(error).toMatchObject({
        kind,
        code: `test.${kind}`,
        message: `failed as ${kind}`,
        details: { field: 'näme' },
      });
      expect(((error as ServiceError).cause as GrpcError).code).toBe(statusOf(kind).grpc);
    },
  );

  it('an unexpected throw becomes INTERNAL with a generic message, logged on the server only', async () => {
    const { client, logged } = await echo();
    const error = await callUnary(client, 'Fail', { kind: 'bug' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GrpcStatusError);
    expect(error).toMatchObject({ status: status.INTERNAL });
    expect((error as Error).message).toBe(`INTERNAL: ${INTERNAL_MESSAGE}`);
    expect(JSON.stringify((error as GrpcStatusError).metadata.getMap())).not.toContain('hunter2');
    expect(logged).toEqual([
      {
        message: 'gRPC handler failed',
        fields: expect.objectContaining({
          path: `/${ECHO_SERVICE}/Fail`,
          err: expect.objectContaining({ message: 'db password is hunter2' }) as unknown,
        }) as unknown,
      },
    ]);
  });

  it('a server-streaming handler that throws ends the stream with the mapped status', async () => {
    const { client } = await echo();
    const count = client.Count as (request: unknown) => ClientReadableStream<{ n: number }>;
    const stream = count.call(client, { up_to: 2, fail_after: true });
    const received: unknown[] = [];
    stream.on('data', (message: { n: number }) => received.push(message.n));
    const error = await new Promise<GrpcError>((resolve) => stream.on('error', resolve));

    expect(received).toEqual([1, 2]);
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.metadata.get('error-code')).toEqual(['test.count_gone']);
  });

  it('a server that is not there surfaces as UnavailableError', async () => {
    const { address, server } = await echo();
    await server.shutdown(1_000);
    const client = createGrpcClient(Health, address);
    try {
      await expect(callUnary(client, 'Check', { service: '' })).rejects.toBeInstanceOf(
        UnavailableError,
      );
    } finally {
      client.close();
    }
  });
});
