import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { S3Error } from '../domain/s3-error.ts';
import { renderError } from '../domain/s3/index.ts';

/**
 * Every failure of an S3 route answers in S3's own format: `<Error>` XML with the code SDKs
 * branch on, a message, the resource and the request id. Anything unexpected is logged and
 * answered as InternalError, never with a stack trace.
 */
export function replyWithS3Error(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const s3Error = error instanceof S3Error ? error : unexpected(error, request);
  if (reply.sent || reply.raw.headersSent) {
    // The body has begun: the only honest signal left is a broken connection.
    request.raw.destroy(error);
    return reply;
  }
  const { method, url } = request.raw;
  const resource = resourceOf(url ?? '/');
  reply
    .code(s3Error.status)
    .header('content-type', 'application/xml')
    // The same id as `<RequestId>`, also for errors raised before the route's handler ran.
    .header('x-amz-request-id', request.id);
  for (const [name, value] of Object.entries(s3Error.headers)) reply.header(name, value);
  // Refused before its body was read (too big, bad bucket, bad checksum header): close the
  // connection after the answer, as S3 does. Node cannot reuse the socket until the unread
  // body is drained, and a body whose reading was abandoned never is: the connection would
  // hang, holding the client and keeping the gateway from shutting down.
  if (!request.raw.complete) reply.header('connection', 'close');
  if (method === 'HEAD') return reply.send();
  return reply.send(renderError(s3Error, { requestId: request.id, resource }));
}

function unexpected(error: FastifyError | Error, request: FastifyRequest): S3Error {
  const status = 'statusCode' in error ? error.statusCode : undefined;
  if (status === 413) {
    return new S3Error('MaxMessageLengthExceeded', 'Your request was too big.', { cause: error });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new S3Error('InvalidRequest', error.message, { cause: error });
  }
  request.log.error({ err: error }, 'unexpected error in an S3 request');
  return new S3Error('InternalError', 'We encountered an internal error. Please try again.', {
    cause: error,
  });
}

/** The path the error is about, decoded when it can be (InvalidURI is about one that cannot). */
function resourceOf(url: string): string {
  const path = url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
