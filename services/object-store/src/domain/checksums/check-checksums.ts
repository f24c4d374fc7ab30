import { S3Error } from '../s3-error.ts';
import { CHECKSUM_ALGORITHMS } from './checksum-algorithm.ts';
import type { ChecksumAlgorithm, HashName } from './checksum-algorithm.ts';
import { isBase64Digest } from './is-base64-digest.ts';
import type { ChecksumPlan } from './plan-checksums.ts';

/** The checksum that was checked, to store with the object and echo in responses. */
export interface VerifiedChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** base64, the form of the `x-amz-checksum-*` header. */
  readonly value: string;
}

/**
 * Compares what the client promised with what the body hashed to, after the whole body was
 * read and before anything is committed. `digests` must hold every hash of `plan.hashes`;
 * `trailers` are the aws-chunked trailer fields by lower-cased name. A mismatch is BadDigest.
 */
export function checkChecksums(
  plan: ChecksumPlan,
  digests: ReadonlyMap<HashName, Buffer>,
  trailers: ReadonlyMap<string, string> = new Map(),
): VerifiedChecksum | undefined {
  if (plan.contentMd5 !== undefined) {
    const calculated = digestOf(digests, 'MD5').toString('base64');
    if (calculated !== plan.contentMd5) {
      throw new S3Error(
        'BadDigest',
        'The Content-MD5 you specified did not match what we received.',
        {
          fields: { ExpectedDigest: plan.contentMd5, CalculatedDigest: calculated },
        },
      );
    }
  }
  rejectUndeclaredTrailers(plan, trailers);
  const checksum = plan.checksum;
  if (checksum === undefined) return undefined;
  const expected =
    checksum.in === 'header' ? checksum.value : trailerValue(checksum.algorithm, trailers);
  const calculated = digestOf(digests, checksum.algorithm).toString('base64');
  if (calculated !== expected) {
    throw new S3Error(
      'BadDigest',
      `The ${checksum.algorithm} you specified did not match the calculated checksum.`,
    );
  }
  return { algorithm: checksum.algorithm, value: calculated };
}

function trailerValue(algorithm: ChecksumAlgorithm, trailers: ReadonlyMap<string, string>): string {
  const { header, bytes } = CHECKSUM_ALGORITHMS[algorithm];
  const value = trailers.get(header);
  if (value === undefined) {
    throw new S3Error(
      'InvalidRequest',
      `x-amz-trailer promised ${header}, but the body's trailer did not carry it.`,
    );
  }
  if (!isBase64Digest(value, bytes)) {
    throw new S3Error('InvalidRequest', `Value for ${header} trailing header is invalid.`);
  }
  return value;
}

/** A checksum the client sent but did not declare would otherwise go unchecked. */
function rejectUndeclaredTrailers(plan: ChecksumPlan, trailers: ReadonlyMap<string, string>): void {
  const declared =
    plan.checksum?.in === 'trailer' ? CHECKSUM_ALGORITHMS[plan.checksum.algorithm].header : '';
  for (const name of trailers.keys()) {
    if (name !== declared) {
      throw new S3Error('InvalidRequest', `The trailer ${name} was not declared in x-amz-trailer.`);
    }
  }
}

function digestOf(digests: ReadonlyMap<HashName, Buffer>, name: HashName): Buffer {
  const digest = digests.get(name);
  if (digest === undefined) throw new Error(`checkChecksums needs the ${name} digest of the body`);
  return digest;
}
