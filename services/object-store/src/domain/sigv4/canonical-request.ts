import { canonicalHeaders } from './canonical-headers.ts';
import type { RequestHeaders } from './request-headers.ts';

export interface CanonicalRequestParts {
  readonly method: string;
  /** The path exactly as received: S3, unlike other services, neither normalises nor re-encodes it. */
  readonly rawPath: string;
  /** Already canonical (see `canonicalQuery`). */
  readonly query: string;
  readonly headers: RequestHeaders;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
}

/** The SigV4 canonical request: the text both sides hash, so any byte of difference shows. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method,
    parts.rawPath === '' ? '/' : parts.rawPath,
    parts.query,
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}
