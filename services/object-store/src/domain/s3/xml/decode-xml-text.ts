const PREDEFINED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

const REFERENCE = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9._-]*);|&/g;

/**
 * Decodes the character references of XML text: the five predefined entities and numeric
 * references (`&#13;` is how clients send a carriage return inside a key). Anything else,
 * a bare `&` or an entity a DOCTYPE would have to define, makes the document malformed, so
 * entity expansion ("billion laughs") cannot happen at all.
 */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (match: string, reference: string | undefined) => {
    if (reference === undefined) throw new Error('bare "&" in text');
    if (!reference.startsWith('#')) {
      const named = PREDEFINED[reference];
      if (named === undefined) throw new Error(`undefined entity ${match}`);
      return named;
    }
    const codePoint = reference.startsWith('#x')
      ? Number.parseInt(reference.slice(2), 16)
      : Number.parseInt(reference.slice(1), 10);
    if (!isReferenceable(codePoint)) throw new Error(`invalid character reference ${match}`);
    return String.fromCodePoint(codePoint);
  });
}

// NUL and lone surrogates cannot be stored in a key (or in PostgreSQL text); every other code
// point is accepted, control characters included, as AWS does for keys written as references.
function isReferenceable(codePoint: number): boolean {
  return codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
}
