import { malformedXml } from './malformed-xml.ts';

/** The parsed content of an element with children: child name → string, node, or a list. */
export type XmlNode = Readonly<Record<string, unknown>>;

/** The text of a child that may appear at most once; MalformedXML for any other shape. */
export function childText(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (value === undefined || typeof value === 'string') return value;
  throw malformedXml();
}

/** The text of a child that must appear exactly once. */
export function requiredText(node: XmlNode, name: string): string {
  const value = childText(node, name);
  if (value === undefined) throw malformedXml();
  return value;
}

/** Every child element of this name, in document order, each with children of its own. */
export function childNodes(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? (value as unknown[]) : [value]).map(asNode);
}

function asNode(value: unknown): XmlNode {
  if (value === '') return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as XmlNode;
  }
  throw malformedXml();
}
