import type { ListVersionsQuery } from '../listing/list-query.ts';
import type { VersionsPage } from '../listing/list-versions-page.ts';
import type { VersionEntry } from '../types.ts';
import { encodeName } from '../xml/url-encode-name.ts';
import {
  element,
  optional,
  renderXmlDocument,
  s3Root,
  type XmlElement,
} from '../xml/xml-document.ts';
import { etagElement, commonPrefixElements, ownerElement } from './elements.ts';

/**
 * ListObjectVersions: `ListVersionsResult`, with `<Version>` and `<DeleteMarker>` entries
 * interleaved in listing order (by key, newest first), KeyMarker and VersionIdMarker echoed,
 * and the Next markers when truncated.
 */
export function renderListVersions(
  bucket: string,
  query: ListVersionsQuery,
  page: VersionsPage<VersionEntry>,
): string {
  const encode = (name: string | undefined): string => encodeName(name ?? '', query.encodingType);
  return renderXmlDocument(
    s3Root('ListVersionsResult', [
      element('Name', bucket),
      element('Prefix', encode(query.prefix)),
      element('KeyMarker', encode(query.keyMarker)),
      element('VersionIdMarker', query.versionIdMarker ?? ''),
      optional(
        'NextKeyMarker',
        page.nextKeyMarker === undefined ? undefined : encode(page.nextKeyMarker),
      ),
      optional('NextVersionIdMarker', page.nextVersionIdMarker),
      element('MaxKeys', query.maxKeys),
      optional('Delimiter', encode(query.delimiter)),
      element('IsTruncated', page.isTruncated),
      ...page.versions.map((entry) => versionElement(entry, query.encodingType)),
      ...commonPrefixElements(page.commonPrefixes, query.encodingType),
      optional('EncodingType', query.encodingType),
    ]),
  );
}

function versionElement(entry: VersionEntry, encodingType: 'url' | undefined): XmlElement {
  const identity = [
    element('Key', encodeName(entry.key, encodingType)),
    element('VersionId', entry.versionId),
    element('IsLatest', entry.isLatest),
    element('LastModified', entry.lastModified),
  ];
  if (entry.kind === 'deleteMarker') {
    return element('DeleteMarker', [...identity, ownerElement('Owner', entry.owner)]);
  }
  return element('Version', [
    ...identity,
    etagElement(entry.etag),
    element('Size', entry.size),
    element('StorageClass', entry.storageClass ?? 'STANDARD'),
    ownerElement('Owner', entry.owner),
  ]);
}
