import { S3Error } from '../s3-error.ts';
import type { AuthContext, SignedRequest, VerifyOptions } from './auth-context.ts';
import { canonicalQuery } from './canonical-query.ts';
import { canonicalRequest } from './canonical-request.ts';
import { headerClaims } from './header-claims.ts';
import { hmacSha256 } from './hmac-sha256.ts';
import { queryClaims } from './query-claims.ts';
import { headerValue } from './request-headers.ts';
import { malformed } from './signature-claims.ts';
import type { SignatureClaims } from './signature-claims.ts';
import { signaturesEqual } from './signatures-equal.ts';
import { signingKey } from './signing-key.ts';
import { stringToSign } from './string-to-sign.ts';

const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];

/**
 * Authenticates an S3 request signed with AWS Signature Version 4, in the `Authorization`
 * header or as a presigned URL, by recomputing the signature from the request as received.
 * Returns who signed it and how its body is protected; throws the S3Error AWS would answer.
 * The body itself is not read here: a signed payload hash, chunk signatures and checksums are
 * checked while it streams (see `createPayloadHashVerifier` and the aws-chunked decoder).
 */
export function verifyRequestSignature(
  request: SignedRequest,
  options: VerifyOptions,
): AuthContext {
  const claims = claimsOf(request, options.now);
  const { credential } = claims;
  if (options.region !== undefined && credential.region !== options.region) {
    throw malformed(
      claims.form,
      `the region '${credential.region}' is wrong; expecting '${options.region}'`,
      options.region,
    );
  }
  const secret = options.credentials(credential.accessKeyId);
  if (secret === undefined) {
    throw new S3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      { fields: { AWSAccessKeyId: credential.accessKeyId } },
    );
  }
  checkSignedHeaders(claims, request);

  const canonical = canonicalRequest({
    method: request.method,
    rawPath: request.rawPath,
    query: canonicalQuery(
      request.rawQuery,
      claims.form === 'query' ? 'X-Amz-Signature' : undefined,
    ),
    headers: request.headers,
    signedHeaders: claims.signedHeaders,
    payloadHash: claims.payloadHash,
  });
  const toSign = stringToSign(claims.amzDate, credential.scope, canonical);
  const key = signingKey(secret, credential.date, credential.region, credential.service);
  const signature = hmacSha256(key, toSign).toString('hex');
  if (!signaturesEqual(signature, claims.signature)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        fields: {
          AWSAccessKeyId: credential.accessKeyId,
          StringToSign: toSign,
          SignatureProvided: claims.signature,
          CanonicalRequest: canonical,
        },
      },
    );
  }
  return {
    accessKeyId: credential.accessKeyId,
    region: credential.region,
    scope: credential.scope,
    amzDate: claims.amzDate,
    signingKey: key,
    seedSignature: signature,
    payload: claims.payload,
    presigned: claims.form === 'query',
  };
}

function claimsOf(request: SignedRequest, now: Date): SignatureClaims {
  const authorization = headerValue(request.headers, 'authorization');
  const params = new URLSearchParams(request.rawQuery);
  const presigned = PRESIGN_PARAMS.some((name) => params.has(name));
  if (authorization !== undefined && presigned) {
    throw new S3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (authorization !== undefined) return headerClaims(authorization, request.headers, now);
  if (presigned) return queryClaims(params, now);
  if (params.has('AWSAccessKeyId') || params.has('Signature')) {
    throw new S3Error(
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  throw new S3Error(
    'AccessDenied',
    'Access Denied: this store requires every request to be signed.',
  );
}

/**
 * The signature covers only the headers it lists, so `host` must be among them (or the request
 * could be replayed against another endpoint), and so must every `x-amz-*` header present (or
 * metadata, checksums and the payload hash could be changed in flight), as AWS requires.
 */
function checkSignedHeaders(claims: SignatureClaims, request: SignedRequest): void {
  const signed = new Set(claims.signedHeaders);
  if (!signed.has('host')) {
    throw claims.form === 'header'
      ? malformed('header', 'the SignedHeaders must include host.')
      : new S3Error('AuthorizationQueryParametersError', 'X-Amz-SignedHeaders must include host.');
  }
  const unsigned = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-amz-') && !signed.has(name))
    .filter((name) => request.headers[name] !== undefined)
    .sort();
  if (unsigned.length > 0) {
    throw new S3Error(
      'AccessDenied',
      'There were headers present in the request which were not signed',
      {
        fields: { HeadersNotSigned: unsigned.join(', ') },
      },
    );
  }
}
