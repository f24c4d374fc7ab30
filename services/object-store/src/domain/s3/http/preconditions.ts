import { S3Error } from '../../s3-error.ts';
import { etagMatches, parseEtagList } from './etag.ts';

/** The conditional request headers, as sent. */
export interface Preconditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  readonly ifUnmodifiedSince?: string | undefined;
}

/** What the conditions are evaluated against: the current object, if there is one. */
export interface Validators {
  readonly etag: string;
  readonly lastModified: Date;
}

/** Go on with the request, or answer 304 Not Modified (only GET and HEAD ever get it). */
export type PreconditionOutcome = 'proceed' | 'not-modified';

/**
 * Evaluates conditional headers in the order of RFC 9110 §13.2.2, which is how S3 resolves
 * combinations: If-Match decides before If-Unmodified-Since (true If-Match with a false
 * If-Unmodified-Since proceeds), If-None-Match before If-Modified-Since (false If-None-Match
 * with a true If-Modified-Since is 304). A failed If-Match / If-Unmodified-Since throws 412
 * PreconditionFailed; a failed If-None-Match is 304 for GET/HEAD and 412 otherwise (S3's
 * conditional writes: `If-None-Match: *` on PUT). Dates that do not parse are ignored.
 *
 * `current` is `undefined` when the object does not exist: If-Match then fails and
 * `If-None-Match: *` passes. (A GET of a missing key is 404 before any of this; S3 answers a
 * conditional PUT with If-Match on a missing key with 404 NoSuchKey, which is the caller's.)
 */
export function evaluatePreconditions(
  conditions: Preconditions,
  current: Validators | undefined,
  method: string,
): PreconditionOutcome {
  const isRead = method === 'GET' || method === 'HEAD';
  const modified = current === undefined ? undefined : seconds(current.lastModified.getTime());

  if (conditions.ifMatch !== undefined) {
    if (
      current === undefined ||
      !etagMatches(parseEtagList(conditions.ifMatch), current.etag, false)
    ) {
      throw preconditionFailed('If-Match');
    }
  } else {
    const limit = httpDate(conditions.ifUnmodifiedSince);
    if (limit !== undefined && modified !== undefined && modified > limit) {
      throw preconditionFailed('If-Unmodified-Since');
    }
  }

  if (conditions.ifNoneMatch !== undefined) {
    const list = parseEtagList(conditions.ifNoneMatch);
    if (current !== undefined && etagMatches(list, current.etag, true)) {
      if (isRead) return 'not-modified';
      throw preconditionFailed('If-None-Match');
    }
  } else if (isRead) {
    const since = httpDate(conditions.ifModifiedSince);
    if (since !== undefined && modified !== undefined && modified <= since) return 'not-modified';
  }
  return 'proceed';
}

/**
 * The `x-amz-copy-source-if-*` headers of CopyObject and UploadPartCopy, evaluated against the
 * source object. S3 applies the same precedence, If-Modified-Since included, but every failure
 * is 412: there is no "not modified" answer to a copy.
 */
export function evaluateCopySourcePreconditions(
  conditions: Preconditions,
  source: Validators,
): void {
  if (evaluatePreconditions(conditions, source, 'GET') === 'not-modified') {
    throw preconditionFailed(
      conditions.ifNoneMatch === undefined
        ? 'x-amz-copy-source-If-Modified-Since'
        : 'x-amz-copy-source-If-None-Match',
    );
  }
}

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The conditional headers of a request (Node lowercases header names). */
export function preconditionsFromHeaders(headers: Headers): Preconditions {
  return {
    ifMatch: header(headers, 'if-match'),
    ifNoneMatch: header(headers, 'if-none-match'),
    ifModifiedSince: header(headers, 'if-modified-since'),
    ifUnmodifiedSince: header(headers, 'if-unmodified-since'),
  };
}

/** The `x-amz-copy-source-if-*` headers of a copy request. */
export function copySourcePreconditionsFromHeaders(headers: Headers): Preconditions {
  return {
    ifMatch: header(headers, 'x-amz-copy-source-if-match'),
    ifNoneMatch: header(headers, 'x-amz-copy-source-if-none-match'),
    ifModifiedSince: header(headers, 'x-amz-copy-source-if-modified-since'),
    ifUnmodifiedSince: header(headers, 'x-amz-copy-source-if-unmodified-since'),
  };
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.join(', ');
}

// HTTP dates have whole seconds; Last-Modified is compared at the same precision, else an
// object stored at 12:00:00.500 would count as modified since the 12:00:00 it was served with.
function seconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000);
}

function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : seconds(time);
}

function preconditionFailed(condition: string): S3Error {
  return new S3Error(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    {
      fields: { Condition: condition },
    },
  );
}
