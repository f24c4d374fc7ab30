// Providers known to ignore dots in the local part and to deliver `name+tag` to `name`.
const DOTS_AND_TAGS_IGNORED = new Set(['gmail.com', 'googlemail.com']);
// Providers known to deliver `name+tag` to `name` (dots are significant there).
const TAGS_IGNORED = new Set([
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'fastmail.com',
  'proton.me',
  'protonmail.com',
  'yahoo.com',
]);
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' };

const SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The canonical form of an email address, or undefined when it is not one. Lower case (every
 * big provider treats local parts case-insensitively); dots and +tags removed only where the
 * provider is known to ignore them, since elsewhere `a.b@` and `ab@` can be two people.
 */
export function normalizeEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  if (!SHAPE.test(email)) return undefined;
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at);
  const domain = DOMAIN_ALIASES[email.slice(at + 1)] ?? email.slice(at + 1);
  if (DOTS_AND_TAGS_IGNORED.has(domain)) local = local.split('+')[0]!.replaceAll('.', '');
  else if (TAGS_IGNORED.has(domain)) local = local.split('+')[0]!;
  return local === '' ? undefined : `${local}@${domain}`;
}
