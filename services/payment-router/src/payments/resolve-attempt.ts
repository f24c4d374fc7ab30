import type { PspCardDetails, PspCharge, PspClient } from '../adapters/psp-client.ts';
import { PspRejectedError, PspTimeoutError, PspUnavailableError } from '../adapters/psp-client.ts';
import type { AttemptOutcome } from '../domain/routing/decline.ts';
import { declineKind } from '../domain/routing/decline.ts';

export function outcomeOfCharge(charge: PspCharge): AttemptOutcome {
  if (charge.status === 'approved' || charge.status === 'captured') {
    return { kind: 'approved', pspChargeId: charge.id };
  }
  const code = charge.declineCode ?? 'declined';
  return { kind: declineKind(code), code };
}

/**
 * Asks the PSP what became of the charge made under `reference` (our attempt id). No charge
 * means it never acted, so the payment may go elsewhere; any failure to ask leaves the
 * outcome unknown, and an unknown outcome is never retried elsewhere.
 */
export async function inquire(psp: PspClient, reference: string): Promise<AttemptOutcome> {
  try {
    const charges = await psp.inquire(reference);
    const charge = charges.find((c) => c.status !== 'declined') ?? charges[0];
    return charge === undefined ? { kind: 'timeout' } : outcomeOfCharge(charge);
  } catch (error) {
    return { kind: 'unknown', reason: (error as Error).message };
  }
}

/** One authorization attempt at one PSP, timeouts resolved by status inquiry. */
export async function attemptCharge(
  psp: PspClient,
  attemptId: string,
  request: {
    amount: number;
    currency: string;
    country: string;
    capture: boolean;
    card: PspCardDetails;
  },
): Promise<AttemptOutcome> {
  try {
    return outcomeOfCharge(await psp.charge(attemptId, request));
  } catch (error) {
    if (error instanceof PspTimeoutError) return inquire(psp, attemptId);
    if (error instanceof PspUnavailableError) return { kind: 'unavailable' };
    if (error instanceof PspRejectedError) return { kind: 'hard_decline', code: error.code };
    throw error;
  }
}
