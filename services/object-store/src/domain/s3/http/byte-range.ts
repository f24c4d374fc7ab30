import { S3Error } from '../../s3-error.ts';

/** An inclusive byte range of an object, as `Content-Range: bytes start-end/size` states it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * The part of an object a GET `Range` header asks for, following what S3 does with RFC 9110:
 * - no header, another unit, a syntax error or several ranges (S3 does not serve
 *   multipart/byteranges) → `undefined`: serve the whole object with 200;
 * - `bytes=a-b`, `bytes=a-` → clamped to the object; `bytes=-n` → its last n bytes;
 * - a first byte at or past the end, or `bytes=-0` → 416 InvalidRange. An empty object has no
 *   first byte, so every `bytes=a-` range is unsatisfiable; a suffix range of an empty object
 *   is the whole (empty) object.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return undefined;
    const suffix = Number(last);
    if (suffix === 0) throw invalidRange(header, size);
    if (size === 0) return undefined;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined; // invalid: RFC 9110 says ignore
  if (start >= size) throw invalidRange(header, size);
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** The `Content-Range` value of a 206 answer. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

function invalidRange(header: string | undefined, size: number): S3Error {
  return new S3Error('InvalidRange', 'The requested range is not satisfiable', {
    fields: { RangeRequested: header ?? '', ActualObjectSize: String(size) },
    headers: { 'content-range': `bytes */${size}` },
  });
}
