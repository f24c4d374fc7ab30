import { InputError } from '@scale-models/errors';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover';

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
}

export interface CheckedCard extends CardInput {
  brand: CardBrand;
  bin: string;
  last4: string;
}

/** The Luhn mod-10 check every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Brand from the issuer identification number ranges the networks publish. */
export function brandOf(digits: string): CardBrand | undefined {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return 'visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (digits.startsWith('6011') || two === 65) return 'discover';
  return undefined;
}

/** Validates a card as entered; the error never echoes the number. */
export function checkCard(card: CardInput, now: Date): CheckedCard {
  const digits = card.number.replace(/[ -]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) {
    throw new InputError('card.invalid_number', 'The card number is not a valid card number.');
  }
  const brand = brandOf(digits);
  if (brand === undefined) {
    throw new InputError('card.unsupported_brand', 'Only Visa, Mastercard, Amex and Discover.');
  }
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) {
    throw new InputError('card.invalid_expiry', 'expMonth must be 1 to 12.');
  }
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (card.expYear * 12 + card.expMonth - 1 < thisMonth) {
    throw new InputError('card.expired', 'The card has expired.');
  }
  return { ...card, number: digits, brand, bin: digits.slice(0, 6), last4: digits.slice(-4) };
}
