import { InputError } from '@scale-models/errors';

/** A clock-skew allowance: a producer a little ahead of us is not sending the future. */
export const FUTURE_TOLERANCE_MS = 60_000;

/**
 * Parses an event timestamp (RFC 3339 / ISO 8601 with a zone, or epoch milliseconds) into
 * epoch milliseconds. Unparsable, zone-less (ambiguous) and future timestamps are refused
 * with InputError naming `field`: a future event time would be served before it happened.
 */
export function parseTimestamp(raw: unknown, field: string, nowMs: number): number {
  const ms = millisecondsOf(raw);
  if (ms === undefined) {
    throw new InputError(
      'timestamp.unparsable',
      `${field} is not a timestamp with a time zone: ${JSON.stringify(raw)?.slice(0, 60)}`,
      {
        details: { field },
      },
    );
  }
  if (ms > nowMs + FUTURE_TOLERANCE_MS) {
    throw new InputError(
      'timestamp.in_future',
      `${field} ${new Date(ms).toISOString()} is in the future`,
      {
        details: { field },
      },
    );
  }
  return ms;
}

const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function millisecondsOf(raw: unknown): number | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.getTime();
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  if (!ISO_WITH_ZONE.test(raw)) return undefined;
  const ms = Date.parse(raw.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}
