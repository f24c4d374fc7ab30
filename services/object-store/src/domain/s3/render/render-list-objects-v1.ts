import type { ObjectsPage } from '../listing/list-objects-page.ts';
import type { ListObjectsV1Query } from '../listing/list-query.ts';
import type { ObjectEntry } from '../types.ts';
import { encodeName } from '../xml/url-encode-name.ts';
import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { commonPrefixElements, contentsElement } from './elements.ts';

/**
 * ListObjects (version 1), still used by s3cmd and rclone: `ListBucketResult` with Marker
 * always present, and NextMarker only when the request had a delimiter. Without one, AWS leaves
 * it out and clients continue from the last Key, which is the same position.
 */
export function renderListObjectsV1(
  bucket: string,
  query: ListObjectsV1Query,
  page: ObjectsPage<ObjectEntry>,
): string {
  const encode = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : encodeName(name, query.encodingType);
  return renderXmlDocument(
    s3Root('ListBucketResult', [
      element('Name', bucket),
      element('Prefix', encodeName(query.prefix, query.encodingType)),
      element('Marker', encodeName(query.marker ?? '', query.encodingType)),
      optional('NextMarker', query.delimiter === '' ? undefined : encode(page.next)),
      element('MaxKeys', query.maxKeys),
      optional('Delimiter', encode(query.delimiter)),
      element('IsTruncated', page.isTruncated),
      ...page.contents.map((entry) => contentsElement(entry, query.encodingType, true)),
      ...commonPrefixElements(page.commonPrefixes, query.encodingType),
      optional('EncodingType', query.encodingType),
    ]),
  );
}
