import type { ClientReadableStream } from '@grpc/grpc-js';
import { NotFoundError } from '@scale-models/errors';
import { describe, expect, it } from 'vitest';
import { callUnary, createGrpcClient } from '../src/index.ts';
import { ECHO_SERVICE, Health, useEcho } from './echo-server.ts';

const echo = useEcho();

describe('health', () => {
  it('answers SERVING, then NOT_SERVING, per service and for the whole server', async () => {
    const { address, server } = await echo();
    const health = createGrpcClient(Health, address);
    const check = (service: string): Promise<unknown> => callUnary(health, 'Check', { service });
    try {
      expect(await check('')).toEqual({ status: 'SERVING' });
      expect(await check(ECHO_SERVICE)).toEqual({ status: 'SERVING' });

      server.setHealth('NOT_SERVING', ECHO_SERVICE);
      expect(await check(ECHO_SERVICE)).toEqual({ status: 'NOT_SERVING' });
      expect(await check('')).toEqual({ status: 'SERVING' });

      server.setHealth('NOT_SERVING');
      expect(await check('')).toEqual({ status: 'NOT_SERVING' });
      await expect(check('no.such.Service')).rejects.toBeInstanceOf(NotFoundError);
      expect(() => server.setHealth('SERVING', 'no.such.Service')).toThrow('not a service');
    } finally {
      health.close();
    }
  });

  it('streams status changes to Watch callers', async () => {
    const { address, server } = await echo();
    const health = createGrpcClient(Health, address);
    const watchOf = health.Watch as (request: unknown) => ClientReadableStream<{ status: string }>;
    const watch = watchOf.call(health, { service: ECHO_SERVICE });
    const seen: string[] = [];
    const changed = new Promise<void>((resolve) =>
      watch.on('data', ({ status: current }: { status: string }) => {
        seen.push(current);
        if (seen.length === 1) server.setHealth('NOT_SERVING', ECHO_SERVICE);
        if (seen.length === 2) resolve();
      }),
    );
    watch.on('error', () => undefined); // the cancel below ends it with CANCELLED
    try {
      await changed;
      expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
    } finally {
      watch.cancel();
      health.close();
    }
  });
});
