import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAddresses, normalizeStreet } from '../src/domain/matching/compare-addresses.ts';
import { compareDates } from '../src/domain/matching/compare-dates.ts';
import { jaro, jaroWinkler } from '../src/domain/matching/jaro-winkler.ts';
import { levenshtein, levenshteinSimilarity } from '../src/domain/matching/levenshtein.ts';

const word = fc.string({ unit: fc.constantFrom(...'abcdefghij'), maxLength: 12 });

describe('levenshtein', () => {
  it('knows the textbook distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshteinSimilarity('abcd', 'abcf')).toBe(0.75);
  });

  it('is a metric: zero only for equal strings, symmetric, triangle inequality', () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        expect(levenshtein(a, b) === 0).toBe(a === b);
        expect(levenshtein(a, b)).toBe(levenshtein(b, a));
        expect(levenshtein(a, c)).toBeLessThanOrEqual(levenshtein(a, b) + levenshtein(b, c));
      }),
    );
  });

  it('is bounded by the length difference below and the longer length above', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = levenshtein(a, b);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('jaro-winkler', () => {
  it('matches the published examples', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('lies in [0, 1], is 1 for equal strings, symmetric, and never below Jaro', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const similarity = jaroWinkler(a, b);
        expect(similarity).toBeGreaterThanOrEqual(0);
        expect(similarity).toBeLessThanOrEqual(1 + 1e-12);
        expect(jaroWinkler(a, a)).toBe(1);
        expect(similarity).toBeCloseTo(jaroWinkler(b, a), 12);
        expect(similarity).toBeGreaterThanOrEqual(jaro(a, b) - 1e-12);
      }),
    );
  });
});

describe('date comparison', () => {
  it('grades exact, keying errors and different dates', () => {
    expect(compareDates('1980-03-07', '1980-03-07')).toBe('exact');
    expect(compareDates('1980-03-07', '1980-07-03')).toBe('close'); // day and month swapped
    expect(compareDates('1980-03-07', '1980-03-08')).toBe('close'); // one digit
    expect(compareDates('1980-03-07', '1981-03-07')).toBe('close');
    expect(compareDates('1980-03-07', '1980-03-27')).toBe('close');
    expect(compareDates('1980-03-07', '1975-11-21')).toBe('different');
    expect(compareDates('1980-03-07', '1980-05-19')).toBe('different');
  });

  it('is symmetric', () => {
    const date = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, date, (a, b) => {
        expect(compareDates(a, b)).toBe(compareDates(b, a));
      }),
    );
  });
});

describe('address comparison', () => {
  const at = (street: string, zip = '12345', city = 'Springfield') => ({ street, city, zip });

  it('spells out abbreviations before comparing', () => {
    expect(normalizeStreet('12 Main St.')).toBe('12 main street');
    expect(compareAddresses(at('12 Main St.'), at('12 main street'))).toBe('same');
  });

  it('grades a typo as same, a move within the postcode as similar, elsewhere as different', () => {
    expect(compareAddresses(at('12 Main Street'), at('12 Mian Street'))).toBe('same');
    expect(compareAddresses(at('12 Main Street'), at('400 Oak Avenue'))).toBe('similar');
    expect(compareAddresses(at('12 Main Street'), at('400 Oak Avenue', '99999', 'Salem'))).toBe(
      'different',
    );
  });
});
