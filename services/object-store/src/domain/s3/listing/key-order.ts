/**
 * S3 lists keys in UTF-8 byte order, which is Unicode code point order (and PostgreSQL's
 * `COLLATE "C"` on UTF-8 text). JavaScript's `<` compares UTF-16 code units instead, which puts
 * characters above U+FFFF (surrogate pairs, 0xD800–0xDFFF) before U+E000–U+FFFF. Remapping the
 * first differing code unit restores code point order for well-formed strings.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return inCodePointOrder(x) - inCodePointOrder(y);
  }
  return a.length - b.length;
}

function inCodePointOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * The smallest key after every key that starts with `prefix`: where a listing seeks to skip a
 * whole common prefix (`photos/` → `photos0`). `undefined` when nothing can follow
 * (an empty prefix, or one made only of U+10FFFF).
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (char) => char.codePointAt(0) ?? 0);
  for (let i = codePoints.length - 1; i >= 0; i--) {
    const last = codePoints[i] ?? 0;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1; // skip the surrogate range
      return String.fromCodePoint(...codePoints.slice(0, i), next);
    }
  }
  return undefined;
}
