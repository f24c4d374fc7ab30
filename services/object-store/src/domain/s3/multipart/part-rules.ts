import { S3Error } from '../../s3-error.ts';
import { unquoteEtag } from '../http/etag.ts';

/** S3's multipart limits. */
export const MAX_PARTS = 10_000;
export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;

/** Throws InvalidArgument unless `partNumber` (a query value) is an integer in 1..10000. */
export function parsePartNumber(partNumber: string | undefined): number {
  const number = partNumber !== undefined && /^\d{1,5}$/.test(partNumber) ? Number(partNumber) : 0;
  if (number < 1 || number > MAX_PARTS) {
    throw new S3Error(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`,
      {
        fields: { ArgumentName: 'partNumber', ArgumentValue: partNumber ?? '' },
      },
    );
  }
  return number;
}

/** Throws EntityTooLarge for a part (or single PUT) over 5 GiB. */
export function validatePartSize(size: number): void {
  if (size > MAX_PART_SIZE) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      fields: { ProposedSize: String(size), MaxSizeAllowed: String(MAX_PART_SIZE) },
    });
  }
}

export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
}

export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
}

export interface CompletionRules {
  /** Smallest size of every part but the last; 5 MiB in S3, smaller in tests and demos. */
  readonly minPartSize?: number;
}

/**
 * Checks a CompleteMultipartUpload request (its parts already in strictly ascending order, see
 * `parseCompleteMultipartUpload`) against the parts uploaded, and returns the uploaded parts
 * that make the object, in order. Parts uploaded but not named are simply left out, as in S3.
 * - a named part missing or with another ETag → InvalidPart;
 * - a part other than the last below the minimum size → EntityTooSmall;
 * - more than 5 TiB in total → EntityTooLarge.
 */
export function selectCompletedParts<P extends UploadedPart>(
  requested: readonly RequestedPart[],
  uploaded: ReadonlyMap<number, P>,
  rules: CompletionRules = {},
): P[] {
  const minPartSize = rules.minPartSize ?? MIN_PART_SIZE;
  const parts = requested.map((want) => {
    const part = uploaded.get(want.partNumber);
    if (part === undefined || unquoteEtag(part.etag) !== unquoteEtag(want.etag)) {
      throw new S3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { fields: { PartNumber: String(want.partNumber), ETag: want.etag } },
      );
    }
    return part;
  });
  for (const part of parts.slice(0, -1)) {
    if (part.size < minPartSize) {
      throw new S3Error(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        {
          fields: {
            ProposedSize: String(part.size),
            MinSizeAllowed: String(minPartSize),
            PartNumber: String(part.partNumber),
            ETag: part.etag,
          },
        },
      );
    }
  }
  const total = parts.reduce((sum, part) => sum + part.size, 0);
  if (total > MAX_OBJECT_SIZE) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      fields: { ProposedSize: String(total), MaxSizeAllowed: String(MAX_OBJECT_SIZE) },
    });
  }
  return parts;
}
