import { XMLParser } from 'fast-xml-parser';

/** Elements that repeat in S3 documents, always read as lists so tests can index them. */
const REPEATED = new Set([
  'ListBucketResult.Contents',
  'ListBucketResult.CommonPrefixes',
  'ListVersionsResult.Version',
  'ListVersionsResult.DeleteMarker',
  'ListVersionsResult.CommonPrefixes',
  'ListMultipartUploadsResult.Upload',
  'ListMultipartUploadsResult.CommonPrefixes',
  'ListPartsResult.Part',
  'ListAllMyBucketsResult.Buckets.Bucket',
  'DeleteResult.Deleted',
  'DeleteResult.Error',
  'AccessControlPolicy.AccessControlList.Grant',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true, // decodes numeric character references too
  isArray: (_name, jPath) => REPEATED.has(String(jPath)),
});

/** Reads a rendered document back the way a client does, to check what it would see. */
export function readXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}

/** XML 1.0 cannot carry C0 controls other than tab, newline and carriage return at all. */
export function isXmlRepresentable(text: string): boolean {
  return [...text].every((char) => {
    const code = char.charCodeAt(0);
    return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
  });
}

/** The root element's children in document order: order matters to a few clients. */
export function childOrder(xml: string): string[] {
  const names: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\s*<[^>]+>/, '');
  let depth = 0;
  for (const match of body.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (closing === '/') depth--;
    else {
      if (depth === 0) names.push(name!);
      if (selfClosing !== '/') depth++;
    }
  }
  return names;
}
