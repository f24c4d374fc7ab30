import { XMLBuilder } from 'fast-xml-parser';
import { escapeXml } from './escape-xml.ts';

/** The namespace of every S3 response document except `<Error>` (AWS sends that one bare). */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export type XmlValue = string | number | boolean | Date;

/** One element of a response document: text, or child elements in order. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly content: string | readonly XmlElement[];
}

/**
 * Builds an element. Children may be `undefined` so optional fields read inline, in the order
 * AWS sends them (`optional('Delimiter', query.delimiter)`); they are left out.
 */
export function element(
  name: string,
  content: XmlValue | readonly (XmlElement | undefined)[] = '',
  attributes: Readonly<Record<string, string>> = {},
): XmlElement {
  if (Array.isArray(content)) {
    const children = content.filter((child): child is XmlElement => child !== undefined);
    return { name, attributes, content: children };
  }
  return { name, attributes, content: formatValue(content as XmlValue) };
}

/** An element only when the value is present (`undefined` and `''` both mean absent). */
export function optional(name: string, value: XmlValue | undefined): XmlElement | undefined {
  return value === undefined || value === '' ? undefined : element(name, value);
}

/** A root element carrying the S3 namespace. */
export function s3Root(name: string, children: readonly (XmlElement | undefined)[]): XmlElement {
  return element(name, children, { xmlns: S3_XMLNS });
}

// Text is escaped by `escapeXml` before it reaches the builder, because the builder's own
// escaping leaves carriage returns and control characters raw, and a parser would then turn
// a key's `\r` into `\n` (XML end-of-line normalisation).
const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  processEntities: false,
});

/** Serialises a document: the XML declaration, then the root element on one line. */
export function renderXmlDocument(root: XmlElement): string {
  const body: string = builder.build([toBuilderNode(root)]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

type BuilderNode = Record<string, unknown>;

function toBuilderNode(node: XmlElement): BuilderNode {
  const children =
    typeof node.content === 'string'
      ? node.content === ''
        ? []
        : [{ '#text': escapeXml(node.content) }]
      : node.content.map(toBuilderNode);
  const attributes = Object.entries(node.attributes);
  if (attributes.length === 0) return { [node.name]: children };
  return {
    [node.name]: children,
    ':@': Object.fromEntries(attributes.map(([name, value]) => [name, escapeXml(value)])),
  };
}

function formatValue(value: XmlValue): string {
  // S3 timestamps are ISO 8601 in UTC with milliseconds: 2026-01-01T00:00:00.000Z.
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
