const NAMED: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

// Control characters and `\r` cannot appear raw: a parser normalises `\r` to `\n` and rejects
// most C0 controls. AWS writes them as character references (which is why listings offer
// `encoding-type=url` for clients whose XML 1.0 parser refuses them); tab and newline stay raw.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000b-\u001f]/g;

/** Escapes text or an attribute value for an S3 XML response. */
export function escapeXml(text: string): string {
  return text.replace(
    NEEDS_ESCAPE,
    (char) => NAMED[char] ?? `&#x${char.charCodeAt(0).toString(16).toUpperCase()};`,
  );
}
