import type { ObjectsPage } from '../listing/list-objects-page.ts';
import { encodeContinuationToken } from '../listing/continuation-token.ts';
import type { ListObjectsV2Query } from '../listing/list-query.ts';
import type { ObjectEntry } from '../types.ts';
import { encodeName } from '../xml/url-encode-name.ts';
import { element, optional, renderXmlDocument, s3Root } from '../xml/xml-document.ts';
import { commonPrefixElements, contentsElement } from './elements.ts';

/**
 * ListObjectsV2: `ListBucketResult` with KeyCount (contents plus common prefixes), the request's
 * ContinuationToken and StartAfter echoed, NextContinuationToken when truncated, and names
 * URL-encoded when the request asked for `encoding-type=url`. Owners only with fetch-owner.
 */
export function renderListObjectsV2(
  bucket: string,
  query: ListObjectsV2Query,
  page: ObjectsPage<ObjectEntry>,
): string {
  const encode = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : encodeName(name, query.encodingType);
  return renderXmlDocument(
    s3Root('ListBucketResult', [
      element('Name', bucket),
      element('Prefix', encodeName(query.prefix, query.encodingType)),
      optional('StartAfter', encode(query.startAfter)),
      optional('ContinuationToken', query.continuationToken),
      optional(
        'NextContinuationToken',
        page.next === undefined ? undefined : encodeContinuationToken(page.next),
      ),
      element('KeyCount', page.contents.length + page.commonPrefixes.length),
      element('MaxKeys', query.maxKeys),
      optional('Delimiter', encode(query.delimiter)),
      element('IsTruncated', page.isTruncated),
      ...page.contents.map((entry) => contentsElement(entry, query.encodingType, query.fetchOwner)),
      ...commonPrefixElements(page.commonPrefixes, query.encodingType),
      optional('EncodingType', query.encodingType),
    ]),
  );
}
