import type { Checksums } from '../types.ts';
import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { checksumElements, etagElement } from './elements.ts';

export interface CompletedUpload {
  /** The object's URL, e.g. `http://localhost:7200/bucket/key`. */
  readonly location: string;
  readonly bucket: string;
  readonly key: string;
  /** The multipart ETag (`…-N`), quoted on output. */
  readonly etag: string;
  readonly checksums?: Checksums;
  readonly checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
}

/** CompleteMultipartUpload: `CompleteMultipartUploadResult`. */
export function renderCompleteMultipartUpload(upload: CompletedUpload): string {
  return renderXmlDocument(
    s3Root('CompleteMultipartUploadResult', [
      element('Location', upload.location),
      element('Bucket', upload.bucket),
      element('Key', upload.key),
      etagElement(upload.etag),
      ...checksumElements(upload.checksums),
      optional('ChecksumType', upload.checksumType),
    ]),
  );
}
