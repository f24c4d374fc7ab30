import { S3Error } from '../s3-error.ts';
import type { Credential } from './credential.ts';
import type { PayloadMode } from './payload-mode.ts';

/** What a request says about its own signature, in either form, once the form is parsed. */
export interface SignatureClaims {
  readonly form: 'header' | 'query';
  readonly credential: Credential;
  /** Lower-case names, in the order the client listed (and canonicalised) them. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** The request time in `x-amz-date` form. */
  readonly amzDate: string;
  /** The last line of the canonical request. */
  readonly payloadHash: string;
  readonly payload: PayloadMode;
}

/** The error AWS answers for a malformed credential part, which depends on the form. */
export function malformed(form: SignatureClaims['form'], reason: string, region?: string): S3Error {
  const fields: Record<string, string> = region === undefined ? {} : { Region: region };
  return form === 'header'
    ? new S3Error(
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; ${reason}`,
        {
          fields,
        },
      )
    : new S3Error(
        'AuthorizationQueryParametersError',
        `Error parsing the X-Amz-Credential parameter; ${reason}`,
        { fields },
      );
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;

/** `SignedHeaders` / `X-Amz-SignedHeaders`: lower-case names separated by ';'. */
export function parseSignedHeaders(value: string): string[] | undefined {
  const names = value.split(';');
  return names.every((name) => HEADER_NAME.test(name)) ? names : undefined;
}
