/** The unit routing learns for: a card brand in a country paying in a currency. */
export interface Segment {
  brand: string;
  country: string;
  currency: string;
}

export function segmentKey({ brand, country, currency }: Segment): string {
  return `${brand}:${country}:${currency}`;
}

/** Outcomes of a PSP's last attempts in one segment (a sliding window, kept in Redis). */
export interface OutcomeCounts {
  approved: number;
  declined: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * A circuit breaker per PSP. Closed: calls flow and outcomes are counted. Open: the PSP is
 * skipped, so customers do not wait for timeouts. Half-open after `openMs`: one probe call;
 * its success closes the breaker, its failure opens it again (src/adapters/routing-*.lua).
 */
export interface BreakerOptions {
  /** Calls remembered for the failure rate. */
  window: number;
  /** No opinion below this many calls in the window. */
  minimumCalls: number;
  /** Opens at this share of technical failures (timeouts, errors, unknown outcomes). */
  failureRate: number;
  /** How long it stays open before letting one probe through. */
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  window: 20,
  minimumCalls: 10,
  failureRate: 0.5,
  openMs: 5_000,
};

/** Attempts per segment and PSP the success rates remember. */
export const DEFAULT_RATE_WINDOW = 200;
