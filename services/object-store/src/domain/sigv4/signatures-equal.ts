import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a computed signature with the one provided without leaking, through timing, how
 * many leading characters matched. Lengths are public (always 64 hex characters).
 */
export function signaturesEqual(computed: string, provided: string): boolean {
  const a = Buffer.from(computed, 'latin1');
  const b = Buffer.from(provided, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
