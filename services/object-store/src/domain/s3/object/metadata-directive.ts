import { S3Error } from '../../s3-error.ts';

export type MetadataDirective = 'COPY' | 'REPLACE';

/**
 * `x-amz-metadata-directive` of CopyObject: COPY (the default) keeps the source's metadata,
 * REPLACE takes the request's.
 */
export function parseMetadataDirective(header: string | undefined): MetadataDirective {
  if (header === undefined || header === 'COPY') return 'COPY';
  if (header === 'REPLACE') return 'REPLACE';
  throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
    fields: { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: header },
  });
}

export interface CopyTarget {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly sourceVersionId: string | undefined;
  readonly bucket: string;
  readonly key: string;
  readonly directive: MetadataDirective;
}

/**
 * S3 refuses to copy an object onto itself without changing anything (a common mistake that
 * would only rewrite the same bytes); REPLACE, or copying an older version, is a real change.
 * Storage class and encryption changes also count in S3; this store has neither.
 */
export function assertCopyChangesSomething(copy: CopyTarget): void {
  const sameObject =
    copy.sourceBucket === copy.bucket &&
    copy.sourceKey === copy.key &&
    copy.sourceVersionId === undefined;
  if (sameObject && copy.directive === 'COPY') {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
}
