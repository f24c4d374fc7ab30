import type { PayloadMode } from './payload-mode.ts';
import type { RequestHeaders } from './request-headers.ts';

/** A request as received, before any decoding: what the client signed. */
export interface SignedRequest {
  readonly method: string;
  /** The path as received, still percent-encoded. */
  readonly rawPath: string;
  /** Everything after `?`, still percent-encoded; '' when there is none. */
  readonly rawQuery: string;
  readonly headers: RequestHeaders;
}

export interface VerifyOptions {
  /** The secret of an access key from config, or undefined for an unknown key. */
  readonly credentials: (accessKeyId: string) => string | undefined;
  readonly now: Date;
  /**
   * The store's region. When set, a request signed for another region is refused the way AWS
   * refuses it (naming the right one, which SDKs follow); when unset, any region is accepted.
   */
  readonly region?: string;
}

/** Who signed a request, and what the rest of the request must still prove. */
export interface AuthContext {
  readonly accessKeyId: string;
  readonly region: string;
  /** `<yyyymmdd>/<region>/s3/aws4_request` */
  readonly scope: string;
  /** The request time in `x-amz-date` form, the second line of every string to sign. */
  readonly amzDate: string;
  readonly signingKey: Buffer;
  /** The request's own signature; aws-chunked chunk signatures chain from it. */
  readonly seedSignature: string;
  readonly payload: PayloadMode;
  readonly presigned: boolean;
}
