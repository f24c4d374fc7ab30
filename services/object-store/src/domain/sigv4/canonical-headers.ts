import type { RequestHeaders } from './request-headers.ts';

/**
 * The canonical headers block: `name:value\n` for each signed header in the order given
 * (SignedHeaders is sorted). Values are trimmed with inner runs of spaces and tabs collapsed;
 * a repeated header's values are joined with ','. A signed header that is missing counts as
 * empty, which makes the signature fail rather than the parser.
 */
export function canonicalHeaders(
  headers: RequestHeaders,
  signedHeaders: readonly string[],
): string {
  return signedHeaders.map((name) => `${name}:${canonicalValue(headers[name])}\n`).join('');
}

function canonicalValue(value: string | readonly string[] | undefined): string {
  if (value === undefined) return '';
  const values = typeof value === 'string' ? [value] : value;
  return values.map((one) => one.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')).join(',');
}
