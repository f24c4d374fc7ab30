import { S3Error } from '../s3-error.ts';
import { formatAmzDate, parseAmzDate } from './amz-date.ts';
import { parseCredential } from './credential.ts';
import { payloadModeOf } from './payload-mode.ts';
import { headerValue } from './request-headers.ts';
import type { RequestHeaders } from './request-headers.ts';
import { malformed, parseSignedHeaders } from './signature-claims.ts';
import type { SignatureClaims } from './signature-claims.ts';
import { ALGORITHM } from './string-to-sign.ts';

/** How far a signed request's time may be from the server's before it is refused (AWS: 15 min). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/**
 * Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` and checks
 * the request time: the credential's date must be the request's, and the request within 15
 * minutes of `now`, which bounds how long a captured request can be replayed.
 */
export function headerClaims(
  authorization: string,
  headers: RequestHeaders,
  now: Date,
): SignatureClaims {
  const space = authorization.indexOf(' ');
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new S3Error(
      'InvalidRequest',
      `The authorization mechanism you have provided is not supported. Please use ${ALGORITHM}.`,
    );
  }
  const components = parseComponents(authorization.slice(space + 1));
  const credential = parseCredential(components.Credential);
  if ('malformed' in credential) throw malformed('header', credential.malformed);
  const signedHeaders = parseSignedHeaders(components.SignedHeaders);
  if (signedHeaders === undefined) {
    throw malformed('header', 'SignedHeaders must be lower-case header names separated by ";".');
  }

  const time = requestTime(headers);
  const amzDate = formatAmzDate(time);
  if (credential.date !== amzDate.slice(0, 8)) {
    throw malformed(
      'header',
      `Invalid credential date "${credential.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
    );
  }
  if (Math.abs(now.getTime() - time.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      {
        fields: {
          RequestTime: amzDate,
          ServerTime: now.toISOString(),
          MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
        },
      },
    );
  }

  const payloadHash = headerValue(headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    throw new S3Error(
      'MissingSecurityHeader',
      'Your request was missing a required header: x-amz-content-sha256.',
      { fields: { MissingHeaderName: 'x-amz-content-sha256' } },
    );
  }
  return {
    form: 'header',
    credential,
    signedHeaders,
    signature: components.Signature,
    amzDate,
    payloadHash,
    payload: payloadModeOf(payloadHash),
  };
}

type Components = Record<'Credential' | 'SignedHeaders' | 'Signature', string>;

/** `Credential=…, SignedHeaders=…, Signature=…`, in any order, with or without spaces. */
function parseComponents(text: string): Components {
  const found = new Map<string, string>();
  for (const part of text.split(',')) {
    const [name = '', ...value] = part.trim().split('=');
    found.set(name, value.join('='));
  }
  const credential = found.get('Credential');
  const signedHeaders = found.get('SignedHeaders');
  const signature = found.get('Signature');
  if (found.size !== 3 || !credential || !signedHeaders || !signature) {
    throw malformed(
      'header',
      'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    );
  }
  return { Credential: credential, SignedHeaders: signedHeaders, Signature: signature };
}

/**
 * `x-amz-date`. SigV4 also allows the HTTP `Date` header instead, but every S3 client sends
 * `x-amz-date`, so this store asks for it.
 */
function requestTime(headers: RequestHeaders): Date {
  const amzDate = headerValue(headers, 'x-amz-date');
  const date = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (date === undefined) {
    throw new S3Error(
      'AccessDenied',
      'AWS authentication requires a valid x-amz-date header in the ISO8601 basic format (yyyyMMddTHHmmssZ)',
    );
  }
  return date;
}
