import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext, RequestHeaders } from '../domain/sigv4/index.ts';
import type { Query } from '../domain/s3/index.ts';
import type { GatewayDeps } from './gateway-deps.ts';

/** One authenticated S3 request, addressed path-style: `/<bucket>/<key>`. */
export interface S3Call {
  request: FastifyRequest;
  reply: FastifyReply;
  deps: GatewayDeps;
  auth: AuthContext;
  /** '' for the service root (ListBuckets). */
  bucket: string;
  /** '' when the request names a bucket only. */
  key: string;
  query: Query;
  headers: RequestHeaders;
}

export type S3Handler = (call: S3Call) => Promise<void>;
