import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '@scale-models/errors';

/** A preHandler for write routes: the `x-api-key` header must be one of the configured keys. */
export function requireApiKey(keys: string[]): (request: FastifyRequest) => Promise<void> {
  const accepted = keys.map((key) => Buffer.from(key));
  return async (request) => {
    const given = request.headers['x-api-key'];
    const candidate = Buffer.from(typeof given === 'string' ? given : '');
    if (!accepted.some((key) => key.length === candidate.length && timingSafeEqual(key, candidate))) {
      throw new UnauthenticatedError('auth.api_key_required', 'write APIs need a valid x-api-key header');
    }
  };
}
