import { parseXmlBody } from '../xml/parse-xml-body.ts';
import { malformedXml } from '../xml/malformed-xml.ts';
import { childNodes, childText, requiredText } from '../xml/xml-node.ts';
import { XML_BODY_LIMITS } from './xml-body-limits.ts';

/** S3 deletes at most 1000 keys per DeleteObjects request. */
export const MAX_DELETE_KEYS = 1000;

export interface DeleteObjectsRequest {
  /** Quiet mode: the answer lists only the keys that failed. */
  readonly quiet: boolean;
  /** Keys exactly as sent (spaces included); validate each and report failures per key. */
  readonly objects: readonly { readonly key: string; readonly versionId: string | undefined }[];
}

/**
 * The body of DeleteObjects (`POST /bucket?delete`):
 * `<Delete><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>…</Delete>`.
 * No objects, more than 1000, or an object without a key is MalformedXML, as in S3.
 */
export function parseDeleteObjects(body: string | Uint8Array): DeleteObjectsRequest {
  const root = parseXmlBody(body, { root: 'Delete', maxBytes: XML_BODY_LIMITS.deleteObjects });
  const objects = childNodes(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw malformedXml();
  return {
    quiet: parseBoolean(childText(root, 'Quiet')),
    objects: objects.map((object) => ({
      key: requiredText(object, 'Key'),
      versionId: nonEmpty(childText(object, 'VersionId')?.trim()),
    })),
  };
}

function parseBoolean(text: string | undefined): boolean {
  const value = text?.trim().toLowerCase();
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw malformedXml();
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === '' ? undefined : text;
}
