import { compareAddresses } from './compare-addresses.ts';
import { compareDates } from './compare-dates.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import { levenshtein } from './levenshtein.ts';
import type { MatchField } from './match-record.ts';
import type { PreparedRecord } from './prepare-record.ts';

/**
 * How far two values of one field agree: 2 fully, 1 partly, 0 not at all, null when either
 * is missing (a missing value is evidence of nothing, so it gets weight 0).
 */
export type AgreementLevel = 0 | 1 | 2 | null;
export type ComparisonVector = Record<MatchField, AgreementLevel>;

export const LEVELS = [0, 1, 2] as const;

function nameLevel(a: string, b: string, aliasA = a, aliasB = b): AgreementLevel {
  if (a === '' || b === '') return null;
  if (a === b || aliasA === aliasB) return 2;
  const similarity = jaroWinkler(a, b);
  if (similarity >= 0.94) return 2;
  return similarity >= 0.82 ? 1 : 0;
}

function emailLevel(a: string, b: string): AgreementLevel {
  if (a === '' || b === '') return null;
  if (a === b) return 2;
  const [localA = '', domainA = ''] = a.split('@');
  const [localB = '', domainB = ''] = b.split('@');
  return localA === localB || (domainA === domainB && levenshtein(localA, localB) <= 2) ? 1 : 0;
}

function phoneLevel(a: string, b: string): AgreementLevel {
  if (a === '' || b === '') return null;
  if (a === b) return 2;
  return a.slice(-7) === b.slice(-7) || levenshtein(a, b) === 1 ? 1 : 0;
}

const DATE_LEVEL = { exact: 2, close: 1, different: 0 } as const;
const ADDRESS_LEVEL = { same: 2, similar: 1, different: 0 } as const;

/** The comparison vector of a pair: one agreement level per field. */
export function compareRecords(a: PreparedRecord, b: PreparedRecord): ComparisonVector {
  return {
    firstName: nameLevel(a.firstName, b.firstName, a.canonicalFirstName, b.canonicalFirstName),
    lastName: nameLevel(a.lastName, b.lastName),
    birthDate:
      a.birthDate === '' || b.birthDate === ''
        ? null
        : DATE_LEVEL[compareDates(a.birthDate, b.birthDate)],
    email: emailLevel(a.email, b.email),
    phone: phoneLevel(a.phone, b.phone),
    address: a.street === '' || b.street === '' ? null : ADDRESS_LEVEL[compareAddresses(a, b)],
  };
}
