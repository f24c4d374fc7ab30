import type { ListPartsQuery } from '../listing/list-query.ts';
import type { PartsPage } from '../listing/list-parts-page.ts';
import type { Owner, PartEntry } from '../types.ts';
import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { checksumElements, etagElement, ownerElement } from './elements.ts';

export interface UploadDescription {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly initiator?: Owner;
  readonly owner?: Owner;
  readonly storageClass?: string;
}

/** ListParts (`GET /bucket/key?uploadId=…`): `ListPartsResult`. */
export function renderListParts(
  upload: UploadDescription,
  query: ListPartsQuery,
  page: PartsPage<PartEntry>,
): string {
  return renderXmlDocument(
    s3Root('ListPartsResult', [
      element('Bucket', upload.bucket),
      element('Key', upload.key),
      element('UploadId', upload.uploadId),
      ownerElement('Initiator', upload.initiator),
      ownerElement('Owner', upload.owner),
      element('StorageClass', upload.storageClass ?? 'STANDARD'),
      element('PartNumberMarker', query.partNumberMarker),
      optional('NextPartNumberMarker', page.nextPartNumberMarker),
      element('MaxParts', query.maxParts),
      element('IsTruncated', page.isTruncated),
      ...page.parts.map((part) =>
        element('Part', [
          element('PartNumber', part.partNumber),
          element('LastModified', part.lastModified),
          etagElement(part.etag),
          element('Size', part.size),
          ...checksumElements(part.checksums),
        ]),
      ),
    ]),
  );
}
