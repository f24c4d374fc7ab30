import { connect, constants } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';

/**
 * The load generator's gRPC client: unary calls as plain HTTP/2 streams on one connection,
 * the request message encoded by the service's own serializer (from the .proto) and framed by
 * hand, the answer's grpc-status checked, its message not decoded. grpc-js's client cost 120-160
 * µs of CPU per call here, more than the server, so the gRPC rows measured the client.
 */
export interface GrpcH2Client {
  /** Calls `path` (`/package.Service/Method`); resolves when the call ended with status OK. */
  unary(path: string, message: Buffer): Promise<void>;
  close(): void;
}

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } =
  constants;

export function createGrpcH2Client(
  address: string,
  metadata: Record<string, string>,
): GrpcH2Client {
  const session: ClientHttp2Session = connect(`http://${address}`);
  session.on('error', () => undefined); // each call reports its own failure
  return {
    unary: (path, message) =>
      new Promise((resolve, reject) => {
        const stream = session.request({
          [HTTP2_HEADER_METHOD]: 'POST',
          [HTTP2_HEADER_PATH]: path,
          [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
          [HTTP2_HEADER_TE]: 'trailers',
          ...metadata,
        });
        let status: string | undefined;
        // A failed call may end with its status in the headers (a "trailers-only" answer).
        stream.on('response', (headers) => (status = headers['grpc-status'] as string));
        stream.on(
          'trailers',
          (trailers: Record<string, string>) => (status = trailers['grpc-status']),
        );
        stream.on('data', () => undefined);
        stream.on('error', reject);
        stream.on('close', () => {
          if (status === '0') resolve();
          else reject(new Error(`${path} ended with grpc-status ${status}`));
        });
        stream.end(framed(message));
      }),
    close: () => session.close(),
  };
}

/** gRPC's length-prefixed message: a compression flag (0) and the length, big-endian. */
function framed(message: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}
