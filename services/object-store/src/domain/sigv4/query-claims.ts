import { S3Error } from '../s3-error.ts';
import { parseAmzDate } from './amz-date.ts';
import { parseCredential } from './credential.ts';
import { MAX_CLOCK_SKEW_MS } from './header-claims.ts';
import { UNSIGNED_PAYLOAD, payloadModeOf } from './payload-mode.ts';
import { malformed, parseSignedHeaders } from './signature-claims.ts';
import type { SignatureClaims } from './signature-claims.ts';
import { ALGORITHM } from './string-to-sign.ts';

/** A presigned URL may live at most a week. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/**
 * Parses a presigned URL's `X-Amz-*` parameters and checks its validity window: from
 * `X-Amz-Date` (give or take the clock skew) to `X-Amz-Date + X-Amz-Expires`.
 */
export function queryClaims(params: URLSearchParams, now: Date): SignatureClaims {
  if (REQUIRED.some((name) => !params.get(name))) {
    throw queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const param = (name: (typeof REQUIRED)[number]) => params.get(name) ?? '';
  if (param('X-Amz-Algorithm') !== ALGORITHM)
    throw queryError(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const credential = parseCredential(param('X-Amz-Credential'));
  if ('malformed' in credential) throw malformed('query', credential.malformed);
  const signedHeaders = parseSignedHeaders(param('X-Amz-SignedHeaders'));
  if (signedHeaders === undefined) {
    throw queryError('X-Amz-SignedHeaders must be lower-case header names separated by ";".');
  }
  const date = param('X-Amz-Date');
  const time = parseAmzDate(date);
  if (time === undefined) {
    throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  if (credential.date !== date.slice(0, 8)) {
    throw malformed(
      'query',
      `Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${date.slice(0, 8)}".`,
    );
  }
  checkValidityWindow(time, expiresSeconds(param('X-Amz-Expires')), now);

  // The AWS SDK presigns with `UNSIGNED-PAYLOAD`, hoisting it into the query as
  // x-amz-content-sha256; a URL without it means the same.
  const payloadHash =
    params.get('X-Amz-Content-Sha256') ?? params.get('x-amz-content-sha256') ?? UNSIGNED_PAYLOAD;
  return {
    form: 'query',
    credential,
    signedHeaders,
    signature: param('X-Amz-Signature'),
    amzDate: date,
    payloadHash,
    payload: payloadModeOf(payloadHash),
  };
}

function expiresSeconds(text: string): number {
  if (!/^\d{1,10}$/.test(text)) throw queryError('X-Amz-Expires should be a number');
  const seconds = Number(text);
  if (seconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw queryError(
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES_SECONDS}`,
    );
  }
  return seconds;
}

function checkValidityWindow(signedAt: Date, expiresSeconds: number, now: Date): void {
  const expiresAt = new Date(signedAt.getTime() + expiresSeconds * 1000);
  if (now > expiresAt) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      fields: {
        'X-Amz-Expires': String(expiresSeconds),
        Expires: expiresAt.toISOString(),
        ServerTime: now.toISOString(),
      },
    });
  }
  if (signedAt.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('AccessDenied', 'Request is not valid yet', {
      fields: { 'X-Amz-Date': signedAt.toISOString(), ServerTime: now.toISOString() },
    });
  }
}

function queryError(message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', message);
}
