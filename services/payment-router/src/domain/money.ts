import currencyCodes from 'currency-codes';
import { InputError } from '@scale-models/errors';

export interface Money {
  /** Integer minor units (cents for EUR, yen for JPY, fils for KWD). */
  amount: number;
  /** ISO 4217 alphabetic code. */
  currency: string;
}

/** Above this an authorization is refused: no card payment is this large, and bigint stays exact. */
export const MAX_AMOUNT = 99_999_999_999;

// Codes ISO 4217 lists that are not money a card can be charged in (funds, metals, testing).
const NOT_CHARGEABLE = new Set(['XXX', 'XTS', 'XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XBA', 'XBB']);

/** Minor-unit exponent of an ISO 4217 currency, or undefined when the code is unknown. */
export function currencyExponent(currency: string): number | undefined {
  if (NOT_CHARGEABLE.has(currency)) return undefined;
  return currencyCodes.code(currency)?.digits;
}

/**
 * Checks an amount a client sent. `claimedExponent` is the client's idea of the currency's
 * exponent: a client that thinks JPY has two decimals sends 100x the amount, so a mismatch is
 * refused rather than charged.
 */
export function parseMoney(amount: number, currency: string, claimedExponent?: number): Money {
  const exponent = /^[A-Z]{3}$/.test(currency) ? currencyExponent(currency) : undefined;
  if (exponent === undefined) {
    throw new InputError('currency.unknown', `${currency} is not an ISO 4217 currency code.`, {
      details: { currency },
    });
  }
  if (claimedExponent !== undefined && claimedExponent !== exponent) {
    throw new InputError(
      'amount.wrong_exponent',
      `${currency} has ${exponent} decimal places, not ${claimedExponent}; send the amount in its minor unit.`,
      { details: { currency, exponent } },
    );
  }
  requireMinorUnits(amount);
  return { amount, currency };
}

/** A positive whole number of minor units, within MAX_AMOUNT. */
export function requireMinorUnits(amount: number, field = 'amount'): number {
  if (!Number.isInteger(amount)) {
    throw new InputError('amount.not_integer', `${field} must be a whole number of minor units.`, {
      details: { field },
    });
  }
  if (amount <= 0) {
    throw new InputError('amount.not_positive', `${field} must be greater than zero.`, {
      details: { field },
    });
  }
  if (amount > MAX_AMOUNT) {
    throw new InputError('amount.too_large', `${field} must not exceed ${MAX_AMOUNT}.`, {
      details: { field, max: MAX_AMOUNT },
    });
  }
  return amount;
}
