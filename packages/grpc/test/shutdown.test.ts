import { UnavailableError } from '@scale-models/errors';
import { describe, expect, it } from 'vitest';
import { callUnary, createGrpcClient } from '../src/index.ts';
import { Health, useEcho } from './echo-server.ts';

const echo = useEcho();

describe('shutdown', () => {
  it('lets an in-flight call finish, and refuses new ones meanwhile', async () => {
    const { address, client, server, waiting, release } = await echo();
    const inFlight = callUnary(client, 'Wait', { text: 'the drain' });
    await waiting();

    const stopping = server.shutdown(10_000);
    const latecomer = createGrpcClient(Health, address);
    try {
      await expect(callUnary(latecomer, 'Check', { service: '' })).rejects.toBeInstanceOf(
        UnavailableError,
      );
    } finally {
      latecomer.close();
    }
    release();

    expect(await inFlight).toMatchObject({ text: 'waited for the drain' });
    expect(await stopping).toEqual({ forced: false });
  });

  it('cancels calls still running after the bound', async () => {
    const { client, server, waiting } = await echo();
    const stuck = callUnary(client, 'Wait', { text: 'forever' }).catch((e: unknown) => e);
    await waiting();

    expect(await server.shutdown(100)).toEqual({ forced: true });
    expect(await stuck).toBeInstanceOf(Error);
  });
});
