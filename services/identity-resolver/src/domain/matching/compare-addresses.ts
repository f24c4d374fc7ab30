import { jaroWinkler } from './jaro-winkler.ts';

export interface Address {
  street: string;
  city: string;
  zip: string;
}

export type AddressAgreement = 'same' | 'similar' | 'different';

const STREET_ABBREVIATIONS: Record<string, string> = {
  st: 'street',
  str: 'street',
  ave: 'avenue',
  av: 'avenue',
  rd: 'road',
  blvd: 'boulevard',
  ln: 'lane',
  dr: 'drive',
  ct: 'court',
  pl: 'place',
  sq: 'square',
  apt: 'apartment',
};

/** Lower case, punctuation gone, usual abbreviations spelled out: "12 Main St." = "12 main street". */
export function normalizeStreet(street: string): string {
  return street
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter((token) => token !== '')
    .map((token) => STREET_ABBREVIATIONS[token] ?? token)
    .join(' ');
}

/**
 * Same: same postcode and nearly the same street. Similar: one of them agrees (a move within
 * a town, a typo in the postcode). Household members share 'same', so it weighs less than a
 * name or a date of birth in the trained model.
 */
export function compareAddresses(a: Address, b: Address): AddressAgreement {
  const street = jaroWinkler(normalizeStreet(a.street), normalizeStreet(b.street));
  const zip = a.zip !== '' && a.zip === b.zip;
  if (zip && street >= 0.9) return 'same';
  if (zip || street >= 0.9 || (street >= 0.8 && a.city.toLowerCase() === b.city.toLowerCase())) {
    return 'similar';
  }
  return 'different';
}
