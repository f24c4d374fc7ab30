import { timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '@scale-models/errors';
import type { FastifyRequest } from 'fastify';

export type Authenticate = (request: FastifyRequest) => Promise<void>;

/** Writes (deploying queries, sending events) need one of the configured API keys. */
export function requireApiKey(keys: string[]): Authenticate {
  const accepted = keys.map((key) => Buffer.from(key));
  return (request: FastifyRequest): Promise<void> => {
    const given = Buffer.from(String(request.headers['x-api-key'] ?? ''));
    const ok = accepted.some((key) => key.length === given.length && timingSafeEqual(key, given));
    if (ok) return Promise.resolve();
    return Promise.reject(
      new UnauthenticatedError('auth.api_key', 'a valid x-api-key header is required'),
    );
  };
}
