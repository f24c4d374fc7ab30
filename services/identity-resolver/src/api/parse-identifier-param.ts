import { InputError } from '@scale-models/errors';
import type { Identifier } from '../domain/identifiers/identifier.ts';
import { IDENTIFIER_TYPES, isIdentifierType } from '../domain/identifiers/identifier.ts';
import { normalizeIdentifier } from '../domain/identifiers/normalize-identifier.ts';

/** `type:value` from a URL or body, normalized as the graph stores it (so `Ann@X.com` finds `ann@x.com`). */
export function parseIdentifierParam(raw: string, defaultCountry: string): Identifier {
  const at = raw.indexOf(':');
  const type = raw.slice(0, at);
  if (at <= 0 || !isIdentifierType(type)) {
    throw new InputError(
      'identifier.invalid',
      `Identifiers are <type>:<value> with type one of ${IDENTIFIER_TYPES.join(', ')}.`,
    );
  }
  const identifier = normalizeIdentifier(type, raw.slice(at + 1), defaultCountry);
  if (identifier === undefined) throw new InputError('identifier.invalid', `Not a valid ${type}.`);
  return identifier;
}
