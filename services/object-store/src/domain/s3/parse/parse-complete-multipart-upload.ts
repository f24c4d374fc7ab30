import { S3Error } from '../../s3-error.ts';
import { unquoteEtag } from '../http/etag.ts';
import { MAX_PARTS } from '../multipart/part-rules.ts';
import { CHECKSUM_FIELDS, type ChecksumField, type Checksums } from '../types.ts';
import { malformedXml } from '../xml/malformed-xml.ts';
import { parseXmlBody } from '../xml/parse-xml-body.ts';
import { childNodes, childText, requiredText, type XmlNode } from '../xml/xml-node.ts';
import { XML_BODY_LIMITS } from './xml-body-limits.ts';

export interface CompletedPart {
  readonly partNumber: number;
  /** Unquoted. */
  readonly etag: string;
  readonly checksums: Checksums;
}

/**
 * The body of CompleteMultipartUpload:
 * `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…`.
 * No parts, or a part without number or ETag, is MalformedXML; a number outside 1..10000 is
 * InvalidArgument; numbers not strictly ascending are InvalidPartOrder, as in S3.
 */
export function parseCompleteMultipartUpload(body: string | Uint8Array): CompletedPart[] {
  const root = parseXmlBody(body, {
    root: 'CompleteMultipartUpload',
    maxBytes: XML_BODY_LIMITS.completeMultipartUpload,
  });
  const parts = childNodes(root, 'Part').map(parsePart);
  if (parts.length === 0) throw malformedXml();
  let previous = 0;
  for (const { partNumber } of parts) {
    if (partNumber <= previous) {
      throw new S3Error(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
        { fields: { PartNumber: String(partNumber) } },
      );
    }
    previous = partNumber;
  }
  return parts;
}

function parsePart(part: XmlNode): CompletedPart {
  const number = requiredText(part, 'PartNumber').trim();
  if (!/^\d{1,10}$/.test(number)) throw malformedXml();
  const partNumber = Number(number);
  if (partNumber < 1 || partNumber > MAX_PARTS) {
    throw new S3Error(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`,
      {
        fields: { ArgumentName: 'PartNumber', ArgumentValue: number },
      },
    );
  }
  const checksums: Partial<Record<ChecksumField, string>> = {};
  for (const field of CHECKSUM_FIELDS) {
    const value = childText(part, field)?.trim();
    if (value !== undefined && value !== '') checksums[field] = value;
  }
  return { partNumber, etag: unquoteEtag(requiredText(part, 'ETag')), checksums };
}
