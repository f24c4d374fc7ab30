import type { Identifier, IdentifierType } from './identifier.ts';
import { normalizeEmail } from './normalize-email.ts';
import { normalizePhone } from './normalize-phone.ts';

const MAX_LENGTH = 256;

/** The identifier in canonical form, or undefined when the value is not a usable one. */
export function normalizeIdentifier(
  type: IdentifierType,
  raw: string,
  defaultCountry: string,
): Identifier | undefined {
  const value = canonicalValue(type, raw, defaultCountry);
  return value === undefined || value === '' || value.length > MAX_LENGTH
    ? undefined
    : { type, value };
}

function canonicalValue(
  type: IdentifierType,
  raw: string,
  defaultCountry: string,
): string | undefined {
  switch (type) {
    case 'email':
      return normalizeEmail(raw);
    case 'phone':
      return normalizePhone(raw, defaultCountry);
    default:
      // Ids are opaque: trimmed, never case-folded (`U1` and `u1` may be two customers).
      return raw.trim();
  }
}
