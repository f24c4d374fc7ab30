import { parse } from 'csv-parse/sync';
import type { MatchRecord } from './match-record.ts';

/** Column names accepted for each field (lower-cased, spaces and dashes as underscores). */
const COLUMNS: Record<keyof Omit<MatchRecord, 'address'> | 'street' | 'city' | 'zip', string[]> = {
  id: ['id', 'record_id', 'rec_id', 'crm_id'],
  firstName: ['first_name', 'firstname', 'given_name'],
  lastName: ['last_name', 'lastname', 'surname', 'family_name'],
  birthDate: ['birth_date', 'dob', 'date_of_birth', 'birthdate'],
  email: ['email', 'email_address'],
  phone: ['phone', 'phone_number', 'telephone'],
  street: ['street', 'address', 'address_1', 'street_address'],
  city: ['city', 'town', 'suburb'],
  zip: ['zip', 'postcode', 'postal_code', 'zipcode'],
};

export interface ParsedCsv {
  records: MatchRecord[];
  /** The ground-truth entity id per record id, when the file has a truth column. */
  truth: Map<string, string>;
}

const headerOf = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Dates in YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY become YYYY-MM-DD; anything else is missing. */
function isoDate(value: string): string {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return trimmed;
  if (/^\d{8}$/.test(trimmed))
    return `${trimmed.slice(0, 4)}-${trimmed.slice(4, 6)}-${trimmed.slice(6)}`;
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  return dmy === null ? '' : `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
}

/**
 * Records from a CSV with a header row. Columns are found by the usual names (see COLUMNS);
 * `truthColumn` names the ground-truth entity id of labelled record-linkage datasets.
 */
export function parseRecordsCsv(text: string, truthColumn?: string): ParsedCsv {
  const rows = parse<Record<string, string>>(text, {
    columns: (header: string[]) => header.map(headerOf),
    skip_empty_lines: true,
    trim: true,
  });
  const pick = (row: Record<string, string>, field: keyof typeof COLUMNS) =>
    COLUMNS[field].map((name) => row[name]).find((value) => value !== undefined) ?? '';
  const truth = new Map<string, string>();
  const records = rows.map((row, index): MatchRecord => {
    const id = pick(row, 'id') || `row-${index + 1}`;
    if (truthColumn !== undefined) truth.set(id, row[headerOf(truthColumn)] ?? '');
    return {
      id,
      firstName: pick(row, 'firstName'),
      lastName: pick(row, 'lastName'),
      birthDate: isoDate(pick(row, 'birthDate')),
      email: pick(row, 'email'),
      phone: pick(row, 'phone'),
      address: { street: pick(row, 'street'), city: pick(row, 'city'), zip: pick(row, 'zip') },
    };
  });
  return { records, truth };
}
