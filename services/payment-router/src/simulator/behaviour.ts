/** How a simulated PSP behaves: the part of it the router cannot see, only measure. */
export interface PspBehaviour {
  /** Median latency and log-normal spread of an authorization. */
  latencyMedianMs: number;
  latencySigma: number;
  /** Approval probability per card brand, then multiplied per issuing country. */
  approvalByBrand: Record<string, number>;
  countryFactor: Record<string, number>;
  /** Share of declines that are soft (retryable elsewhere). */
  softShare: number;
  /** Probability that an answer never comes back in time (the charge is still made). */
  timeoutRate: number;
}

export const BEHAVIOURS: Record<string, PspBehaviour> = {
  atlas: {
    latencyMedianMs: 60,
    latencySigma: 0.35,
    approvalByBrand: { visa: 0.93, mastercard: 0.9, amex: 0.85 },
    countryFactor: { DE: 1, FR: 0.98, US: 0.95, GB: 0.97, BR: 0.75, JP: 0.9 },
    softShare: 0.4,
    timeoutRate: 0.002,
  },
  borealis: {
    latencyMedianMs: 90,
    latencySigma: 0.5,
    approvalByBrand: { visa: 0.9, mastercard: 0.92, discover: 0.88 },
    countryFactor: { DE: 0.97, FR: 0.97, US: 1, GB: 0.95, BR: 0.9, JP: 0.85 },
    softShare: 0.5,
    timeoutRate: 0.005,
  },
  cygnus: {
    latencyMedianMs: 140,
    latencySigma: 0.6,
    approvalByBrand: { visa: 0.88, mastercard: 0.87, amex: 0.9, discover: 0.86 },
    countryFactor: { DE: 0.95, FR: 0.95, US: 0.95, GB: 0.95, BR: 0.95, JP: 0.95 },
    softShare: 0.6,
    timeoutRate: 0.01,
  },
};

/**
 * Failure scenarios a demo-giver switches on at runtime (PUT /_control/mode):
 * - degraded: the acquirer's issuer links fail: approvals collapse into do_not_honor, slower;
 * - outage: 503 for everything;
 * - timeout: charges, captures, refunds and voids are made, but the answer comes too late;
 * - slow: ten times the latency.
 */
export const MODES = ['healthy', 'degraded', 'outage', 'timeout', 'slow'] as const;
export type PspMode = (typeof MODES)[number];
