import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { request as httpRequest } from 'undici';
import { ACCESS_KEY, SECRET_KEY } from './store-cluster.ts';

/**
 * Requests the AWS SDK will not send (invalid bucket names, malformed XML, skewed clocks),
 * signed with the SDK's own SigV4 signer and sent as they are, so a test sees the gateway's
 * raw answer: status, headers and body.
 */
export interface RawRequest {
  method: string;
  /** Unencoded; each is percent-encoded as the SDK would (a key's slashes stay). */
  bucket?: string;
  key?: string;
  /** `{ delete: '' }` sends `?delete`. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Signing {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** The signing time; the default is now. */
  date?: Date;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** Signs `request` in the Authorization header (payload SHA-256 signed) and sends it. */
export async function sendSigned(
  endpoint: string,
  request: RawRequest,
  signing: Signing = {},
): Promise<RawResponse> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return send(urlOf(endpoint, request), {
    method: request.method,
    headers: await signedHeaders(endpoint, request, signing),
    body,
  });
}

/** The headers that sign `request`, its body's SHA-256 included (unless a header says other). */
export async function signedHeaders(
  endpoint: string,
  request: RawRequest,
  signing: Signing = {},
): Promise<Record<string, string>> {
  const url = new URL(endpoint);
  const signed = await signerFor(signing).sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: pathOf(request),
      query: request.query ?? {},
      headers: {
        host: url.host,
        'x-amz-content-sha256': createHash('sha256')
          .update(request.body ?? '')
          .digest('hex'),
        ...request.headers,
      },
    },
    { signingDate: signing.date ?? new Date() },
  );
  return signed.headers;
}

/** The URL `request` goes to: path and query encoded as the SDK encodes them. */
export function urlOf(endpoint: string, request: RawRequest): string {
  return `${endpoint}${pathOf(request)}${queryString(request.query)}`;
}

/** A presigned URL for `request` (no body), as `@aws-sdk/s3-request-presigner` makes one. */
export async function presignUrl(
  endpoint: string,
  request: RawRequest,
  expiresIn: number,
  signing: Signing = {},
): Promise<string> {
  const url = new URL(endpoint);
  const signed = await signerFor(signing).presign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: pathOf(request),
      query: request.query ?? {},
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    },
    { signingDate: signing.date ?? new Date(), expiresIn },
  );
  const query = Object.fromEntries(
    Object.entries(signed.query ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return urlOf(endpoint, { ...request, query });
}

/** Sends a request as given (unsigned unless the URL is presigned). */
export async function send(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: Buffer | string | undefined },
): Promise<RawResponse> {
  const response = await httpRequest(url, {
    method: init.method as 'GET',
    headers: init.headers ?? {},
    body: init.body,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    headers: response.headers,
    body,
    text: body.toString('utf8'),
  };
}

function signerFor(signing: Signing): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: {
      accessKeyId: signing.accessKeyId ?? ACCESS_KEY,
      secretAccessKey: signing.secretAccessKey ?? SECRET_KEY,
    },
    sha256: Sha256,
    uriEscapePath: false, // S3 signs the path as sent: encoded once, below
  });
}

function pathOf({ bucket, key }: RawRequest): string {
  if (bucket === undefined) return '/';
  const encodedKey = key === undefined ? '' : `/${key.split('/').map(escape).join('/')}`;
  return `/${escape(bucket)}${encodedKey}`;
}

function queryString(query: Record<string, string> | undefined): string {
  const entries = Object.entries(query ?? {});
  if (entries.length === 0) return '';
  return `?${entries.map(([name, value]) => `${escape(name)}=${escape(value)}`).join('&')}`;
}

/** The SDK's URI escaping: encodeURIComponent plus `!'()*`. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
