import { canonicalComponent } from './uri-encode.ts';

/**
 * The canonical query string of SigV4: every parameter as `name=value` (a bare `name` has the
 * empty value), both canonically encoded, sorted by name then value, joined with `&`.
 * `omit` drops the presigned URL's own signature, which cannot sign itself.
 */
export function canonicalQuery(rawQuery: string, omit?: string): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = canonicalComponent(equals === -1 ? part : part.slice(0, equals));
    if (name === omit) continue;
    pairs.push([name, canonicalComponent(equals === -1 ? '' : part.slice(equals + 1))]);
  }
  // Names and values are ASCII after encoding, so code-unit order is byte order.
  pairs.sort(([nameA, valueA], [nameB, valueB]) =>
    nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
  );
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
