import { XMLParser } from 'fast-xml-parser';
import { S3Error } from '../../s3-error.ts';
import { decodeXmlText } from './decode-xml-text.ts';
import { malformedXml } from './malformed-xml.ts';
import type { XmlNode } from './xml-node.ts';

export interface XmlBodyOptions {
  /** The only root element accepted (namespace prefixes are ignored). */
  readonly root: string;
  /** Largest body accepted, in bytes; larger bodies answer MaxMessageLengthExceeded. */
  readonly maxBytes: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// The parser keeps every value a string (a key "007" must not become 7), keeps whitespace (a key
// may start or end with spaces), ignores attributes and namespace prefixes, and decodes text
// with `decodeXmlText`: predefined and numeric references only. A DOCTYPE that declares entities
// is refused outright by `addInputEntities`.
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  maxNestedTags: 16,
  entityDecoder: {
    setExternalEntities: () => undefined,
    addInputEntities: (entities) => {
      if (Object.keys(entities).length > 0) throw new Error('DOCTYPE entities are not accepted');
    },
    reset: () => undefined,
    decode: decodeXmlText,
    setXmlVersion: () => undefined,
  },
});

/**
 * Parses an S3 request body into the content of its root element. Every failure (bad UTF-8,
 * ill-formed XML, a second root, the wrong root) is MalformedXML, as S3 answers; a body over
 * `maxBytes` is MaxMessageLengthExceeded. Callers should also cap the bytes they read from the
 * socket at `maxBytes` so a huge body is never buffered.
 */
export function parseXmlBody(body: string | Uint8Array, options: XmlBodyOptions): XmlNode {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > options.maxBytes) {
    throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.', {
      fields: { MaxMessageLengthBytes: String(options.maxBytes) },
    });
  }
  const document = parseDocument(body);
  const roots = Object.keys(document).filter((name) => name !== '?xml');
  const content = document[options.root];
  if (roots.length !== 1 || content === undefined) throw malformedXml();
  if (typeof content === 'string' && content.trim() === '') return {}; // `<Root/>` or only whitespace
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw malformedXml();
  }
  return content as XmlNode;
}

function parseDocument(body: string | Uint8Array): Record<string, unknown> {
  try {
    const text = typeof body === 'string' ? body : utf8.decode(body);
    return parser.parse(text, true) as Record<string, unknown>;
  } catch (cause) {
    throw malformedXml(cause);
  }
}
