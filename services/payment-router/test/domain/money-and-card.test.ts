import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brandOf, checkCard, passesLuhn } from '../../src/domain/card.ts';
import { currencyExponent, parseMoney } from '../../src/domain/money.ts';

const withCheckDigit = (body: string) => {
  for (let digit = 0; digit <= 9; digit++)
    if (passesLuhn(`${body}${digit}`)) return `${body}${digit}`;
  throw new Error('no check digit');
};

describe('cards', () => {
  it('knows the published test numbers', () => {
    expect(passesLuhn('4242424242424242')).toBe(true);
    expect(passesLuhn('5555555555554444')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
    expect(passesLuhn('4242424242424241')).toBe(false);
    expect(brandOf('5555555555554444')).toBe('mastercard');
    expect(brandOf('2223003122003222')).toBe('mastercard');
    expect(brandOf('378282246310005')).toBe('amex');
    expect(brandOf('6011111111111117')).toBe('discover');
    expect(brandOf('9999999999999995')).toBeUndefined();
  });

  it('Luhn catches every single-digit error', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{11,18}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (body, at, delta) => {
          const number = withCheckDigit(body);
          const i = at % number.length;
          const changed = `${number.slice(0, i)}${(Number(number[i]) + delta) % 10}${number.slice(i + 1)}`;
          expect(passesLuhn(number)).toBe(true);
          expect(passesLuhn(changed)).toBe(false);
        },
      ),
    );
  });

  it('refuses expired cards and never echoes the number', () => {
    const now = new Date('2026-12-02T00:00:00Z');
    expect(
      checkCard({ number: '4242 4242 4242 4242', expMonth: 12, expYear: 2026 }, now),
    ).toMatchObject({ brand: 'visa', last4: '4242', bin: '424242' });
    expect(() =>
      checkCard({ number: '4242424242424242', expMonth: 11, expYear: 2026 }, now),
    ).toThrow(/expired/);
    const error = (() => {
      try {
        checkCard({ number: '4242424242424241', expMonth: 1, expYear: 2030 }, now);
      } catch (thrown) {
        return thrown as { code: string; message: string };
      }
      throw new Error('accepted');
    })();
    expect(error.code).toBe('card.invalid_number');
    expect(error.message).not.toContain('4242');
  });
});

describe('money', () => {
  it('uses each currency’s ISO 4217 exponent', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('XXX')).toBeUndefined();
    expect(parseMoney(1050, 'KWD', 3)).toEqual({ amount: 1050, currency: 'KWD' });
  });

  it.each([
    [-1, 'EUR', undefined, 'amount.not_positive'],
    [1.5, 'EUR', undefined, 'amount.not_integer'],
    [1e12, 'EUR', undefined, 'amount.too_large'],
    [100, 'eur', undefined, 'currency.unknown'],
    [100, 'JPY', 2, 'amount.wrong_exponent'],
  ])('%d %s (exponent %s) is %s', (amount, currency, exponent, code) => {
    expect(() => parseMoney(amount, currency, exponent)).toThrow(expect.objectContaining({ code }));
  });
});
