const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();

/**
 * Encodes a key, prefix, delimiter or marker for a listing requested with `encoding-type=url`,
 * as S3 does: every UTF-8 byte except letters, digits, `-`, `_`, `.`, `*` and `/` becomes `%XX`, and a space
 * becomes `+` (form encoding). Clients decode with `unquote_plus` (botocore) or the equivalent,
 * so `/` staying literal keeps keys readable.
 */
export function urlEncodeName(name: string): string {
  let out = '';
  for (const byte of encoder.encode(name)) {
    if (isUnescaped(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

function isUnescaped(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x2a || // *
    byte === 0x2f // /
  );
}

/** The name as the listing's `encoding-type` asks for it. */
export function encodeName(name: string, encodingType: 'url' | undefined): string {
  return encodingType === 'url' ? urlEncodeName(name) : name;
}
