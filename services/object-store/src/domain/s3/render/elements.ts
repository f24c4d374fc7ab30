import { quoteEtag } from '../http/etag.ts';
import { CHECKSUM_FIELDS, type Checksums, type ObjectEntry, type Owner } from '../types.ts';
import { encodeName } from '../xml/url-encode-name.ts';
import { element, optional, type XmlElement } from '../xml/xml-document.ts';

/** Pieces shared by several S3 documents. */

export function ownerElement(
  name: 'Owner' | 'Initiator',
  owner: Owner | undefined,
): XmlElement | undefined {
  if (owner === undefined) return undefined;
  return element(name, [element('ID', owner.id), element('DisplayName', owner.displayName)]);
}

export function etagElement(etag: string): XmlElement {
  return element('ETag', quoteEtag(etag));
}

export function checksumElements(checksums: Checksums | undefined): (XmlElement | undefined)[] {
  return CHECKSUM_FIELDS.map((field) => optional(field, checksums?.[field]));
}

/** One `<Contents>` of a ListObjects page. */
export function contentsElement(
  entry: ObjectEntry,
  encodingType: 'url' | undefined,
  withOwner: boolean,
): XmlElement {
  return element('Contents', [
    element('Key', encodeName(entry.key, encodingType)),
    element('LastModified', entry.lastModified),
    etagElement(entry.etag),
    element('Size', entry.size),
    withOwner ? ownerElement('Owner', entry.owner) : undefined,
    element('StorageClass', entry.storageClass ?? 'STANDARD'),
  ]);
}

export function commonPrefixElements(
  prefixes: readonly string[],
  encodingType: 'url' | undefined,
): XmlElement[] {
  return prefixes.map((prefix) =>
    element('CommonPrefixes', [element('Prefix', encodeName(prefix, encodingType))]),
  );
}
