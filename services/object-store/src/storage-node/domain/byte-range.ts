import { InputError } from '@scale-models/errors';

/** A `Range: bytes=…` request before the shard's length is known (RFC 9110 §14.1.2). */
export type RangeRequest = { first: number; last?: number } | { suffix: number };

/** A resolved range in shard-data coordinates: `start` inclusive, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Parses one byte range: `bytes=a-b`, `bytes=a-` or `bytes=-n`. Several ranges in one request
 * are refused: the gateway never needs them, and serving them means multipart bodies.
 */
export function parseRangeHeader(value: string): RangeRequest {
  const match = SINGLE_RANGE.exec(value.trim());
  const [, first = '', last = ''] = match ?? [];
  if (match === null || (first === '' && last === '')) throw invalidRange(value);
  if (first === '') return { suffix: toSafeInteger(last, value) };
  const request = { first: toSafeInteger(first, value) };
  if (last === '') return request;
  const end = toSafeInteger(last, value);
  if (end < request.first) throw invalidRange(value);
  return { ...request, last: end };
}

/** The bytes a request selects from a shard of `length` bytes; a range past the end is clamped. */
export function resolveRange(request: RangeRequest, length: number): ByteRange {
  if ('suffix' in request) {
    if (request.suffix === 0 || length === 0) throw notSatisfiable(length);
    return { start: Math.max(0, length - request.suffix), end: length };
  }
  if (request.first >= length) throw notSatisfiable(length);
  const end = request.last === undefined ? length : Math.min(request.last + 1, length);
  return { start: request.first, end };
}

function toSafeInteger(digits: string, header: string): number {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw invalidRange(header);
  return value;
}

function invalidRange(header: string): InputError {
  return new InputError('shard.invalid_range', `Unsupported Range header "${header}".`);
}

// 400 rather than HTTP's 416: the kit maps error kinds to statuses in one place, and a shard
// client only needs the code.
function notSatisfiable(length: number): InputError {
  return new InputError(
    'shard.range_not_satisfiable',
    `The range starts past the end of the ${length}-byte shard.`,
    { details: { length } },
  );
}
