import { timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import { UnauthenticatedError } from '@scale-models/errors';

/** Throws unless `given` (an `x-api-key` header or gRPC metadata value) is a configured key. */
export type ApiKeyCheck = (given: unknown) => void;

export function apiKeyCheck(keys: string[]): ApiKeyCheck {
  const accepted = keys.filter((key) => key !== '').map((key) => Buffer.from(key));
  return (given) => {
    const candidate = Buffer.from(typeof given === 'string' ? given : '');
    const known = accepted.some(
      (key) => key.length === candidate.length && timingSafeEqual(key, candidate),
    );
    if (!known) {
      throw new UnauthenticatedError(
        'auth.api_key_required',
        'this API needs a valid x-api-key header',
      );
    }
  };
}

/**
 * An onRequest hook: every route but the health probes and the docs needs a configured key in
 * `x-api-key`. It runs before the body is read, so an unknown caller gets 401, not a 400 about
 * its body.
 */
export function requireApiKey(keys: string[]): onRequestHookHandler {
  const check = apiKeyCheck(keys);
  return (request, _reply, done) => {
    try {
      check(request.headers['x-api-key']);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}
