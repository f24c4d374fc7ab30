import type { FastifyRequest, FastifyServerOptions } from 'fastify';

export interface LoggerOptions {
  /** pino level; `silent` turns logging off. Default `info`. */
  level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where JSON lines go; default stdout. Tests pass a stream to read them. */
  stream?: NodeJS.WritableStream;
}

// Header names are lower-case in Node; these carry credentials and must never reach a log.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'res.headers["set-cookie"]',
];

/** fastify's pino, as JSON lines, with request headers logged and credentials redacted. */
export function loggerOptions(
  name: string,
  options: LoggerOptions = {},
): FastifyServerOptions['logger'] {
  return {
    name,
    level: options.level ?? 'info',
    ...(options.stream === undefined ? {} : { stream: options.stream }),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest },
  };
}

function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url,
    remoteAddress: request.ip,
    headers: { ...request.headers },
  };
}
