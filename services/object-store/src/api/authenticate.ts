import type { FastifyRequest } from 'fastify';
import { verifyRequestSignature } from '../domain/sigv4/index.ts';
import type { AuthContext } from '../domain/sigv4/index.ts';
import type { GatewayDeps } from './gateway-deps.ts';
import type { S3Path } from './s3-path.ts';

/** SigV4 in the Authorization header or in a presigned URL's query; every request needs it. */
export function authenticate(
  request: FastifyRequest,
  path: S3Path,
  deps: GatewayDeps,
): AuthContext {
  return verifyRequestSignature(
    {
      method: request.method,
      rawPath: path.rawPath,
      rawQuery: path.rawQuery,
      headers: request.headers,
    },
    {
      credentials: (accessKeyId) => deps.credentials.get(accessKeyId),
      now: new Date(),
      region: deps.region,
    },
  );
}
