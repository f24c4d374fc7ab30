import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

/**
 * E.164 (`+14155550123`), or undefined when the number is not a valid one. National formats
 * are read in `defaultCountry`; an explicit +CC prefix wins over it.
 */
export function normalizePhone(raw: string, defaultCountry = 'US'): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry as CountryCode);
  return parsed?.isValid() === true ? parsed.number : undefined;
}
