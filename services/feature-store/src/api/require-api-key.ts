import { timingSafeEqual } from 'node:crypto';
import type { preHandlerHookHandler } from 'fastify';
import { UnauthenticatedError } from '@scale-models/errors';

/** A preHandler for write routes: the `x-api-key` header must be one of the configured keys. */
export function requireApiKey(keys: string[]): preHandlerHookHandler {
  const accepted = keys.map((key) => Buffer.from(key));
  return (request, _reply, done) => {
    const given = request.headers['x-api-key'];
    const candidate = Buffer.from(typeof given === 'string' ? given : '');
    if (
      accepted.some((key) => key.length === candidate.length && timingSafeEqual(key, candidate))
    ) {
      done();
      return;
    }
    done(
      new UnauthenticatedError('auth.api_key_required', 'write APIs need a valid x-api-key header'),
    );
  };
}
