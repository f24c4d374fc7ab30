export type BreakerState = 'closed' | 'open' | 'half_open';

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

/**
 * One PSP's circuit breaker. Closed: calls flow and outcomes are counted. Open: the PSP is
 * skipped, so customers do not wait for timeouts. Half-open after `openMs`: one probe call;
 * its success closes the breaker, its failure opens it again.
 */
export class CircuitBreaker {
  private readonly options: BreakerOptions;
  private results: boolean[] = [];
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  constructor(options: BreakerOptions = DEFAULT_BREAKER) {
    this.options = options;
  }

  state(now: number): BreakerState {
    if (this.current === 'open' && now - this.openedAt >= this.options.openMs) {
      this.current = 'half_open';
      this.probing = false;
    }
    return this.current;
  }

  /** Whether a call may go to the PSP now; in half-open, only the first caller gets through. */
  allows(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  record(ok: boolean, now: number): void {
    if (this.state(now) === 'half_open') {
      if (ok) this.close();
      else this.open(now);
      return;
    }
    this.results.push(ok);
    if (this.results.length > this.options.window) this.results.shift();
    const failures = this.results.filter((result) => !result).length;
    if (
      this.results.length >= this.options.minimumCalls &&
      failures / this.results.length >= this.options.failureRate
    ) {
      this.open(now);
    }
  }

  private open(now: number): void {
    this.current = 'open';
    this.openedAt = now;
    this.results = [];
  }

  private close(): void {
    this.current = 'closed';
    this.results = [];
    this.probing = false;
  }
}
