import { STATUS_CODES } from 'node:http';
import { InputError, ServiceError, statusOf } from '@scale-models/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyStore, StoredResponse } from '../payments/idempotency-store.ts';
import { requestFingerprint, UnprocessableKeyError } from '../payments/idempotency-store.ts';

export interface Execution {
  /** Set when an earlier execution under this key created a payment and then died. */
  paymentId: string | null;
  key: string;
}

/** The response, and whether it is final (stored for replay) or a "still processing" answer. */
export interface Outcome extends StoredResponse {
  final: boolean;
  /** Already stored under the key by the execution itself (in its last transaction). */
  stored?: boolean;
}

/** The request's Idempotency-Key; a mutating request without one is refused (400). */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') {
    throw new InputError(
      'idempotency.key_missing',
      'Mutating requests need an Idempotency-Key header.',
    );
  }
  return key;
}

/**
 * Runs a mutating request at most once per Idempotency-Key. The first execution's response,
 * an error raised while executing included, is stored and replayed for the same key and
 * body; another body gets 422, a concurrent duplicate 409. A 5xx or a "still processing"
 * answer is not stored: the key is released for a retry to resume.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  merchantId: string,
  fingerprintBody: unknown,
  execute: (execution: Execution) => Promise<Outcome>,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(request);
  const path = request.url.split('?')[0] ?? request.url;
  let claim;
  try {
    claim = await store.claim(
      merchantId,
      key,
      requestFingerprint(request.method, path, fingerprintBody),
    );
  } catch (error) {
    if (!(error instanceof UnprocessableKeyError)) throw error;
    return sendJson(reply, 422, problemBody(request, 422, error.code, error.message));
  }
  if (claim.kind === 'replay') {
    reply.header('idempotent-replayed', 'true');
    return sendJson(reply, claim.response.status, claim.response.body);
  }
  let outcome: Outcome;
  try {
    outcome = await execute({ paymentId: claim.paymentId, key });
  } catch (error) {
    if (!(error instanceof ServiceError) || error.kind === 'unavailable') {
      await store.release(merchantId, key);
      throw error;
    }
    const status = statusOf(error.kind).http;
    outcome = {
      status,
      body: problemBody(request, status, error.code, error.message, error.details),
      final: true,
    };
  }
  if (!outcome.final) await store.release(merchantId, key);
  else if (outcome.stored !== true) await store.complete(merchantId, key, outcome);
  return sendJson(reply, outcome.status, outcome.body);
}

function problemBody(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  details?: Record<string, unknown>,
) {
  return {
    ...details,
    type: `${PROBLEM_TYPE}${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code,
    requestId: request.id,
  };
}

const PROBLEM_TYPE = 'urn:scale-models:problem:';

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  // A declined payment (402) is a payment, not a problem document.
  const problem = String((body as { type?: unknown }).type).startsWith(PROBLEM_TYPE);
  return reply
    .code(status)
    .type(problem ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8')
    .send(body);
}
