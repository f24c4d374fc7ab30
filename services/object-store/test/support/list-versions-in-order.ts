import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import { sendSigned } from './signed-request.ts';

export interface ListedVersion {
  kind: 'version' | 'marker';
  key: string;
  versionId: string;
  isLatest: boolean;
}

export interface VersionsPage {
  entries: ListedVersion[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker: string | undefined;
  nextVersionIdMarker: string | undefined;
}

/** fast-xml-parser's `preserveOrder` form: each node is `{ name: children }` or `{ '#text': … }`. */
type OrderedNode = Record<string, unknown>;
type Ordered = OrderedNode[];

const parser = new XMLParser({ preserveOrder: true, parseTagValue: false });

/**
 * One ListObjectVersions page with versions and delete markers in the order the XML has them.
 * The SDK returns the two kinds in separate arrays, losing how S3 interleaves them (by key,
 * then newest first), which is what a test of that order must see.
 */
export async function listVersionsInOrder(
  endpoint: string,
  bucket: string,
  query: Record<string, string> = {},
): Promise<VersionsPage> {
  const response = await sendSigned(endpoint, {
    method: 'GET',
    bucket,
    query: { versions: '', ...query },
  });
  expect(response.status).toBe(200);
  const document = parser.parse(response.text) as Ordered;
  const children = document.find((node) => 'ListVersionsResult' in node)!
    .ListVersionsResult as Ordered;
  const page: VersionsPage = {
    entries: [],
    commonPrefixes: [],
    isTruncated: false,
    nextKeyMarker: undefined,
    nextVersionIdMarker: undefined,
  };
  for (const child of children) {
    const [name] = Object.keys(child);
    const value = child[name!];
    if (!Array.isArray(value)) continue; // text between elements
    const fields = fieldsOf(value as Ordered);
    if (name === 'Version' || name === 'DeleteMarker') {
      page.entries.push({
        kind: name === 'Version' ? 'version' : 'marker',
        key: fields.Key!,
        versionId: fields.VersionId!,
        isLatest: fields.IsLatest === 'true',
      });
    } else if (name === 'CommonPrefixes') page.commonPrefixes.push(fields.Prefix!);
    else if (name === 'IsTruncated') page.isTruncated = textOf(value as Ordered) === 'true';
    else if (name === 'NextKeyMarker') page.nextKeyMarker = textOf(value as Ordered);
    else if (name === 'NextVersionIdMarker') page.nextVersionIdMarker = textOf(value as Ordered);
  }
  return page;
}

/** An element's child elements by name, each as its text. */
function fieldsOf(children: Ordered): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {};
  for (const child of children) {
    const [name] = Object.keys(child);
    const value = child[name!];
    if (Array.isArray(value)) fields[name!] = textOf(value as Ordered);
  }
  return fields;
}

function textOf(children: Ordered): string {
  const text = children.find((child) => '#text' in child)?.['#text'];
  return typeof text === 'string' ? text : '';
}
