import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { signedHeaders, urlOf } from './signed-request.ts';
import type { RawRequest } from './signed-request.ts';

export interface StreamedExchange {
  status: number;
  text: string;
  /** Whether the gateway has closed the connection the request used. */
  isDisconnected(): boolean;
  /** Closes the client's side (always call it). */
  close(): Promise<void>;
}

/**
 * Sends a signed request whose body streams from `chunks` with no Content-Length (chunked
 * transfer), on a connection of its own, and resolves with the answer as soon as it arrives,
 * even while the body is still being sent: what a client streaming a large body sees when the
 * server refuses it early.
 */
export async function sendSignedStream(
  endpoint: string,
  request: Omit<RawRequest, 'body'>,
  chunks: Buffer[],
): Promise<StreamedExchange> {
  const sha256 = createHash('sha256');
  for (const chunk of chunks) sha256.update(chunk);
  const headers = await signedHeaders(endpoint, {
    ...request,
    headers: { ...request.headers, 'x-amz-content-sha256': sha256.digest('hex') },
  });
  const client = new Client(endpoint);
  let disconnected = false;
  client.on('disconnect', () => {
    disconnected = true;
  });
  const { pathname, search } = new URL(urlOf(endpoint, request));
  const response = await client.request({
    method: request.method,
    path: `${pathname}${search}`,
    headers,
    body: Readable.from(chunks),
  });
  return {
    status: response.statusCode,
    text: await response.body.text(),
    isDisconnected: () => disconnected,
    close: () => client.destroy(),
  };
}
