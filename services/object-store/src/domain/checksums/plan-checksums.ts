import { S3Error } from '../s3-error.ts';
import { headerValue } from '../sigv4/request-headers.ts';
import type { RequestHeaders } from '../sigv4/request-headers.ts';
import {
  CHECKSUM_ALGORITHMS,
  UNSUPPORTED_CHECKSUM_HEADERS,
  checksumAlgorithmOf,
} from './checksum-algorithm.ts';
import type { ChecksumAlgorithm, HashName } from './checksum-algorithm.ts';
import { isBase64Digest } from './is-base64-digest.ts';

/** A checksum the client sent in a header, or promised in `x-amz-trailer` for the body's end. */
export type ExpectedChecksum =
  | { readonly algorithm: ChecksumAlgorithm; readonly in: 'header'; readonly value: string }
  | { readonly algorithm: ChecksumAlgorithm; readonly in: 'trailer' };

/** What a request's body must be checked against once it has been read. */
export interface ChecksumPlan {
  /** `Content-MD5` as sent (base64 of 16 bytes). */
  readonly contentMd5: string | undefined;
  readonly checksum: ExpectedChecksum | undefined;
  /**
   * The hashes the checks need. The gateway adds MD5 for the ETag when absent; MD5 may run
   * in a worker thread since the others are several times faster.
   */
  readonly hashes: readonly HashName[];
}

/**
 * Reads the checksum headers before the body is streamed, so a malformed one fails the request
 * before any byte is stored: a bad `Content-MD5` is InvalidDigest, a bad or doubled
 * `x-amz-checksum-*` is InvalidRequest (AWS's codes for each).
 */
export function planChecksums(headers: RequestHeaders): ChecksumPlan {
  const contentMd5 = headerValue(headers, 'content-md5');
  if (contentMd5 !== undefined && !isBase64Digest(contentMd5, 16)) {
    throw new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.');
  }
  const promised = [...checksumHeaders(headers), ...trailerChecksums(headers)];
  if (promised.length > 1) {
    throw new S3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  const checksum = promised[0];
  const hashes: HashName[] = [];
  if (contentMd5 !== undefined) hashes.push('MD5');
  if (checksum !== undefined) hashes.push(checksum.algorithm);
  return { contentMd5, checksum, hashes };
}

function checksumHeaders(headers: RequestHeaders): ExpectedChecksum[] {
  const found: ExpectedChecksum[] = [];
  for (const name of UNSUPPORTED_CHECKSUM_HEADERS) {
    if (headers[name] !== undefined) throw unsupported(name);
  }
  for (const [algorithm, { header, bytes }] of Object.entries(CHECKSUM_ALGORITHMS)) {
    const value = headerValue(headers, header);
    if (value === undefined) continue;
    if (!isBase64Digest(value, bytes)) {
      throw new S3Error('InvalidRequest', `Value for ${header} header is invalid.`);
    }
    found.push({ algorithm: algorithm as ChecksumAlgorithm, in: 'header', value });
  }
  return found;
}

/** `x-amz-trailer` names the trailer fields to come; S3 allows only checksums there. */
function trailerChecksums(headers: RequestHeaders): ExpectedChecksum[] {
  const declared = headerValue(headers, 'x-amz-trailer');
  if (declared === undefined) return [];
  return declared
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
    .map((name) => {
      if (UNSUPPORTED_CHECKSUM_HEADERS.has(name)) throw unsupported(name);
      const algorithm = checksumAlgorithmOf(name);
      if (algorithm === undefined) {
        throw new S3Error('InvalidRequest', `The trailer ${name} is not supported.`);
      }
      return { algorithm, in: 'trailer' as const };
    });
}

function unsupported(name: string): S3Error {
  return new S3Error(
    'NotImplemented',
    `${name} is not supported; use CRC32, CRC32C, SHA1 or SHA256.`,
  );
}
