/**
 * Orders entity keys by Unicode code point, which is the byte order of their UTF-8 form and so
 * the order PostgreSQL's "C" collation gives: the join walks rows that PostgreSQL sorted, so
 * both sides must agree on what "smaller" means. Plain `<` compares UTF-16 code units, which
 * disagrees for characters outside the Basic Multilingual Plane.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.codePointAt(i)! - b.codePointAt(i)!;
  }
  return a.length - b.length;
}
