import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceValue, entityKeyOf } from '../../src/domain/coerce-value.ts';
import { compareKeys } from '../../src/domain/compare-keys.ts';
import { accuracy, trainLogisticRegression } from '../../src/domain/logistic-regression.ts';
import {
  histogramOf,
  populationStabilityIndex,
  quantileEdges,
} from '../../src/domain/population-stability.ts';
import { parseTimestamp } from '../../src/domain/parse-timestamp.ts';

describe('compareKeys', () => {
  it('orders strings as their UTF-8 bytes (PostgreSQL "C" collation)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
      }),
    );
  });
});

describe('coerceValue and entityKeyOf', () => {
  it.each([
    ['float64', '1.5', 1.5],
    ['float64', 2, 2],
    ['int64', '42', 42],
    ['int64', '9223372036854775807', '9223372036854775807'],
    ['bool', 'true', true],
    ['string', 'x', 'x'],
    ['float64', '', null],
  ] as const)('reads %s %j', (dtype, raw, value) => {
    expect(coerceValue(dtype, raw, 'f')).toEqual(value);
  });

  it.each([
    ['float64', 'fast'],
    ['float64', ' '],
    ['int64', '1.5'],
    ['int64', '9223372036854775808'],
    ['bool', 'yes'],
    ['string', 5],
  ] as const)('refuses %s %j naming the field', (dtype, raw) => {
    expect(() => coerceValue(dtype, raw, 'rows[3].x')).toThrow(
      expect.objectContaining({
        code: 'feature.wrong_type',
        details: { field: 'rows[3].x', expected: dtype },
      }),
    );
  });

  it('canonicalizes int64 keys and requires them', () => {
    expect(entityKeyOf('int64', '007', 'k')).toBe('7');
    expect(() => entityKeyOf('int64', '', 'k')).toThrow(
      expect.objectContaining({ code: 'entity.missing_key' }),
    );
  });
});

describe('parseTimestamp', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  it('reads RFC 3339 with a zone and epoch milliseconds', () => {
    expect(parseTimestamp('2026-06-01T11:00:00+02:00', 'ts', now)).toBe(
      Date.parse('2026-06-01T09:00:00Z'),
    );
    expect(parseTimestamp('1780000000000', 'ts', now + 1e12)).toBe(1780000000000);
  });
  it('refuses the future beyond a minute of clock skew, and zone-less times', () => {
    expect(parseTimestamp(new Date(now + 30_000).toISOString(), 'ts', now)).toBe(now + 30_000);
    expect(() => parseTimestamp(new Date(now + 120_000).toISOString(), 'ts', now)).toThrow(
      expect.objectContaining({ code: 'timestamp.in_future' }),
    );
    expect(() => parseTimestamp('2026-06-01 10:00:00', 'ts', now)).toThrow(
      expect.objectContaining({ code: 'timestamp.unparsable' }),
    );
  });
});

describe('logistic regression', () => {
  it('learns a linearly separable rule and imputes missing inputs', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [(i % 20) / 20, ((i * 7) % 20) / 20]);
    const labels = rows.map(([a, b]) => (a! + b! > 1 ? 1 : 0));
    const model = trainLogisticRegression(['v:a', 'v:b'], rows, labels);
    expect(accuracy(model, rows, labels)).toBeGreaterThan(0.95);
    expect(accuracy(model, [[null, null]], [0]) + accuracy(model, [[null, null]], [1])).toBe(1);
  });
});

describe('population stability index', () => {
  it('is about zero for the same distribution and large for a shifted one', () => {
    const training = Array.from({ length: 5000 }, (_, i) => (i % 100) / 100);
    const edges = quantileEdges(training);
    const expected = histogramOf(training, edges);
    expect(
      populationStabilityIndex(expected, histogramOf(training.slice(0, 2500), edges)),
    ).toBeLessThan(0.01);
    expect(
      populationStabilityIndex(
        expected,
        histogramOf(
          training.map((x) => x + 0.5),
          edges,
        ),
      ),
    ).toBeGreaterThan(0.25);
  });
});
