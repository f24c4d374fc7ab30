import { normalizeEmail } from '../identifiers/normalize-email.ts';
import { normalizePhone } from '../identifiers/normalize-phone.ts';
import { normalizeStreet } from './compare-addresses.ts';
import type { MatchRecord } from './match-record.ts';
import { canonicalFirstName } from './nicknames.ts';

/** A record in the form comparators and blocking keys read: normalized once, compared many times. */
export interface PreparedRecord {
  id: string;
  firstName: string;
  /** The formal name behind a nickname ("bob" → "robert"). */
  canonicalFirstName: string;
  lastName: string;
  birthDate: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  zip: string;
}

const name = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

export function prepareRecord(record: MatchRecord, defaultCountry = 'US'): PreparedRecord {
  const firstName = name(record.firstName);
  return {
    id: record.id,
    firstName,
    canonicalFirstName: canonicalFirstName(firstName),
    lastName: name(record.lastName),
    birthDate: /^\d{4}-\d{2}-\d{2}$/.test(record.birthDate) ? record.birthDate : '',
    email: normalizeEmail(record.email) ?? '',
    phone: normalizePhone(record.phone, defaultCountry) ?? '',
    street: normalizeStreet(record.address.street),
    city: record.address.city.trim().toLowerCase(),
    zip: record.address.zip.replace(/\s+/g, '').toUpperCase(),
  };
}
