import type { ListUploadsQuery } from '../listing/list-query.ts';
import type { UploadsPage } from '../listing/list-uploads-page.ts';
import type { UploadEntry } from '../types.ts';
import { encodeName } from '../xml/url-encode-name.ts';
import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { commonPrefixElements, ownerElement } from './elements.ts';

/** ListMultipartUploads (`GET /bucket?uploads`): `ListMultipartUploadsResult`. */
export function renderListMultipartUploads(
  bucket: string,
  query: ListUploadsQuery,
  page: UploadsPage<UploadEntry>,
): string {
  const encode = (name: string | undefined): string => encodeName(name ?? '', query.encodingType);
  return renderXmlDocument(
    s3Root('ListMultipartUploadsResult', [
      element('Bucket', bucket),
      element('KeyMarker', encode(query.keyMarker)),
      element('UploadIdMarker', query.uploadIdMarker ?? ''),
      optional(
        'NextKeyMarker',
        page.nextKeyMarker === undefined ? undefined : encode(page.nextKeyMarker),
      ),
      optional('NextUploadIdMarker', page.nextUploadIdMarker),
      optional('Delimiter', encode(query.delimiter)),
      element('Prefix', encode(query.prefix)),
      element('MaxUploads', query.maxUploads),
      element('IsTruncated', page.isTruncated),
      ...page.uploads.map((upload) =>
        element('Upload', [
          element('Key', encodeName(upload.key, query.encodingType)),
          element('UploadId', upload.uploadId),
          ownerElement('Initiator', upload.initiator),
          ownerElement('Owner', upload.owner),
          element('StorageClass', upload.storageClass ?? 'STANDARD'),
          element('Initiated', upload.initiated),
        ]),
      ),
      ...commonPrefixElements(page.commonPrefixes, query.encodingType),
      optional('EncodingType', query.encodingType),
    ]),
  );
}
