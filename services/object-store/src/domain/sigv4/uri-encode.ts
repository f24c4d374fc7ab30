/**
 * SigV4's URI encoding (RFC 3986): every byte but the unreserved `A-Z a-z 0-9 - _ . ~` becomes
 * `%XX` with upper-case hex. The table is built once; encoding is a lookup per byte.
 */
const ENCODED_BYTE: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  const char = String.fromCharCode(byte);
  return /[A-Za-z0-9\-_.~]/.test(char)
    ? char
    : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

const ALREADY_CANONICAL = /^[A-Za-z0-9\-_.~]*$/;
const PERCENT_ESCAPE = /(%[0-9A-Fa-f]{2})/;

export function uriEncode(bytes: Uint8Array): string {
  let encoded = '';
  for (const byte of bytes) encoded += ENCODED_BYTE[byte];
  return encoded;
}

/**
 * The canonical form of a query name or value as it arrived on the wire: decode each `%XX`,
 * then encode strictly. Clients differ in what they leave unescaped (`~`, `!`, `*`), never in
 * the bytes meant, so this is what the client signed. A stray `%` is taken literally (and
 * becomes `%25`) rather than failing: the signature simply won't match. `+` is a literal plus,
 * as in every AWS SDK, not a form-encoded space.
 */
export function canonicalComponent(raw: string): string {
  if (ALREADY_CANONICAL.test(raw)) return raw;
  // Splitting on a captured escape alternates literal text (odd parts are the escapes).
  const bytes = raw
    .split(PERCENT_ESCAPE)
    .map((part, index) =>
      index % 2 === 1 ? Buffer.of(Number.parseInt(part.slice(1), 16)) : Buffer.from(part, 'utf8'),
    );
  return uriEncode(Buffer.concat(bytes));
}
