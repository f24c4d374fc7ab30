import type { Address } from './compare-addresses.ts';

/** A person record as imported (CRM row, form fill): any field may be missing (''). */
export interface MatchRecord {
  id: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD, or '' when unknown. */
  birthDate: string;
  email: string;
  phone: string;
  address: Address;
}

export const MATCH_FIELDS = [
  'firstName',
  'lastName',
  'birthDate',
  'email',
  'phone',
  'address',
] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];
