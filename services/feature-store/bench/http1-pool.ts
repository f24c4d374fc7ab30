import { connect } from 'node:net';
import type { Socket } from 'node:net';

/**
 * The load generator's HTTP/1.1 client: keep-alive connections, one request in flight on each,
 * every request written as one string, every answer framed by its Content-Length. It does the
 * least a correct client can, so that on two shared cores the client's CPU does not cap what
 * the server shows: undici's pool cost about 40 µs of CPU per request here, this one 18-25 µs
 * (see the README). Chunked answers are refused, not guessed at.
 */
export interface Http1Pool {
  /** POSTs a JSON body; resolves to the answer's status once its whole body has arrived. */
  post(path: string, body: string): Promise<number>;
  close(): void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

export function createHttp1Pool(
  base: string,
  connections: number,
  headers: Record<string, string>,
): Http1Pool {
  const url = new URL(base);
  const fixedHeaders = Object.entries({ host: url.host, ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const all = Array.from({ length: connections }, () =>
    connectionTo(url.hostname, Number(url.port)),
  );
  const idle = [...all];
  const waiting: ((connection: Connection) => void)[] = [];
  const release = (connection: Connection) => {
    const next = waiting.shift();
    if (next !== undefined) next(connection);
    else idle.push(connection);
  };
  return {
    async post(path, body) {
      const connection =
        idle.pop() ?? (await new Promise<Connection>((resolve) => waiting.push(resolve)));
      const request =
        `POST ${path} HTTP/1.1\r\n${fixedHeaders}` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      try {
        return await connection.send(request);
      } finally {
        release(connection);
      }
    },
    close() {
      for (const connection of all) connection.socket.destroy();
    },
  };
}

interface Connection {
  socket: Socket;
  send(request: string): Promise<number>;
}

function connectionTo(host: string, port: number): Connection {
  const socket = connect({ host, port, noDelay: true });
  let received: Buffer = Buffer.alloc(0);
  let pending: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;
  const fail = (error: Error) => {
    pending?.reject(error);
    pending = undefined;
  };
  socket.on('data', (chunk: Buffer) => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    try {
      const answer = completeAnswer(received);
      if (answer === undefined) return;
      if (answer.length < received.length) throw new Error('bytes after the answer');
      received = Buffer.alloc(0);
      const done = pending;
      pending = undefined;
      done?.resolve(answer.status);
    } catch (error) {
      fail(error as Error);
      socket.destroy();
    }
  });
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the server closed the connection')));
  return {
    socket,
    send: (request) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(request);
      }),
  };
}

/** The status and total length of the answer at the start of `bytes`, once all of it is there. */
function completeAnswer(bytes: Buffer): { status: number; length: number } | undefined {
  const headerEnd = bytes.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = bytes.toString('latin1', 0, headerEnd);
  const contentLength = CONTENT_LENGTH.exec(head);
  if (contentLength === null) throw new Error(`an answer without Content-Length: ${head}`);
  const length = headerEnd + HEADER_END.length + Number(contentLength[1]);
  if (bytes.length < length) return undefined;
  return { status: Number(head.slice(9, 12)), length };
}
