import { S3Error } from '../../s3-error.ts';
import type { ByteRange } from './byte-range.ts';

const COPY_RANGE = /^bytes=(\d+)-(\d+)$/;

/**
 * `x-amz-copy-source-range` of UploadPartCopy. Unlike a GET range it must be exactly
 * `bytes=first-last` and lie inside the source object; anything else is refused, never
 * widened to the whole object.
 */
export function parseCopySourceRange(
  header: string | undefined,
  sourceSize: number,
): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = COPY_RANGE.exec(header.trim());
  if (match === null) {
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      { fields: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header } },
    );
  }
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start > end || end >= sourceSize) {
    throw new S3Error(
      'InvalidRange',
      `Range specified is not valid for source object of size: ${sourceSize}`,
      { fields: { RangeRequested: header, ActualObjectSize: String(sourceSize) } },
    );
  }
  return { start, end };
}
