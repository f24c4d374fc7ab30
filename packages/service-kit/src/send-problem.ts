import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError, ProblemFields } from './problem-of.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

/** An RFC 9457 problem document with this kit's stable `code` and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Sends `fields` as application/problem+json, bypassing any response schema of the route. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  fields: ProblemFields,
): FastifyReply {
  const problem: Problem = {
    ...fields.extensions,
    type: `urn:scale-models:problem:${fields.code}`,
    title: STATUS_CODES[fields.status] ?? 'Error',
    status: fields.status,
    detail: fields.detail,
    // The path only: a query string may carry tokens.
    instance: request.url.split('?')[0] ?? request.url,
    code: fields.code,
    requestId: request.id,
  };
  if (fields.errors !== undefined) problem.errors = fields.errors;
  return reply
    .code(fields.status)
    .header(REQUEST_ID_HEADER, request.id)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer((payload) => JSON.stringify(payload))
    .send(problem);
}
