import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { callUnary, GrpcStatusError } from '../src/index.ts';
import { useEcho } from './echo-server.ts';

const echo = useEcho();

describe('unary calls', () => {
  it('return the response, with 64-bit integers as exact strings and metadata passed through', async () => {
    const { client } = await echo();
    const metadata = new Metadata();
    metadata.set('x-test-header', 'from-the-caller');

    const reply = await callUnary(
      client,
      'Say',
      { text: 'hi', big: '9007199254740993' },
      { metadata },
    );

    expect(reply).toEqual({
      text: 'hi',
      big: '9007199254740993',
      echoed_header: 'from-the-caller',
    });
  });

  it('fail with DEADLINE_EXCEEDED when the handler is slower than the deadline', async () => {
    const { client } = await echo();
    const error = await callUnary(client, 'Wait', { text: 'x' }, { deadlineMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GrpcStatusError);
    expect(error).toMatchObject({
      status: status.DEADLINE_EXCEEDED,
      statusName: 'DEADLINE_EXCEEDED',
    });
  });
});
