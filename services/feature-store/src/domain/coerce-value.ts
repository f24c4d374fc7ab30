import { InputError } from '@scale-models/errors';
import type { ValueType } from './registry-spec.ts';

/** A stored feature value: JSON-safe, int64 kept exact as a decimal string beyond 2^53. */
export type FeatureValue = number | string | boolean | null;

/**
 * Turns a value from a CSV cell (always a string), a JSON body or a Parquet column into the
 * declared type, or throws InputError `feature.wrong_type` naming `field`. Empty cells and
 * null are missing values, which every type allows.
 */
export function coerceValue(dtype: ValueType, raw: unknown, field: string): FeatureValue {
  if (raw === null || raw === undefined || raw === '') return null;
  const value = coerce(dtype, raw);
  if (value === undefined) {
    throw new InputError(
      'feature.wrong_type',
      `${field} must be ${dtype}, got ${JSON.stringify(raw)?.slice(0, 80) ?? typeof raw}`,
      {
        details: { field, expected: dtype },
      },
    );
  }
  return value;
}

function coerce(dtype: ValueType, raw: unknown): FeatureValue | undefined {
  switch (dtype) {
    case 'float64': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
      return Number.isFinite(n) && !(typeof raw === 'string' && raw.trim() === '') ? n : undefined;
    }
    case 'int64':
      return integerOf(raw);
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return undefined;
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function integerOf(raw: unknown): number | string | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  const text = typeof raw === 'bigint' ? raw.toString() : raw;
  if (typeof text !== 'string' || !/^-?\d{1,19}$/.test(text)) return undefined;
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) return undefined;
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}

/** An entity key as stored (text): int64 keys in canonical decimal, so `007` and `7` are one. */
export function entityKeyOf(valueType: 'int64' | 'string', raw: unknown, field: string): string {
  const value = coerceValue(valueType, raw, field);
  if (value === null) {
    throw new InputError('entity.missing_key', `${field} is required`, { details: { field } });
  }
  return String(value);
}
