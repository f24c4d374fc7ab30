/**
 * What a PSP answered, reduced to what routing acts on. A soft decline (the PSP or the issuer
 * could not decide now) may be retried elsewhere; a hard decline (the issuer said no about
 * this card) never is: retrying it only annoys the issuer and the cardholder.
 */
export type AttemptOutcome =
  | { kind: 'approved'; pspChargeId: string }
  | { kind: 'soft_decline'; code: string }
  | { kind: 'hard_decline'; code: string }
  /** No answer in time, and an inquiry found that the PSP did not charge. */
  | { kind: 'timeout' }
  /** The PSP refused to take the request at all (5xx, connection refused): nothing charged. */
  | { kind: 'unavailable' }
  /** The PSP could not be asked or did not say: the charge may exist. Never cascade. */
  | { kind: 'unknown'; reason: string };

export const SOFT_DECLINE_CODES = new Set([
  'try_again_later',
  'issuer_unavailable',
  'processing_error',
  'acquirer_rate_limited',
]);

export function declineKind(code: string): 'soft_decline' | 'hard_decline' {
  return SOFT_DECLINE_CODES.has(code) ? 'soft_decline' : 'hard_decline';
}

/** Whether the next PSP may be tried after this outcome. */
export function mayCascade(outcome: AttemptOutcome): boolean {
  return (
    outcome.kind === 'soft_decline' || outcome.kind === 'timeout' || outcome.kind === 'unavailable'
  );
}

/** Whether the outcome says something about the PSP's health (for its circuit breaker). */
export function isTechnicalFailure(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'timeout' || outcome.kind === 'unavailable' || outcome.kind === 'unknown';
}
