import type { Random } from '@scale-models/seeded-random';
import { sampleBeta } from './random.ts';

/** The unit routing learns for: a card brand in a country paying in a currency. */
export interface Segment {
  brand: string;
  country: string;
  currency: string;
}

export function segmentKey({ brand, country, currency }: Segment): string {
  return `${brand}:${country}:${currency}`;
}

/**
 * Authorization outcomes per segment and PSP over a sliding window of the last `window`
 * attempts, as a Beta posterior for Thompson sampling: each route draws a plausible success
 * rate from Beta(1 + approvals, 1 + declines), so a PSP with little data still gets tried
 * (exploration) and one that keeps failing stops being chosen within a window's worth of
 * traffic (the window forgets the old, healthy past).
 */
export class SuccessRates {
  readonly window: number;
  private readonly outcomes = new Map<string, { ring: Uint8Array; next: number; size: number }>();

  constructor(window = 200) {
    this.window = window;
  }

  record(segment: Segment, psp: string, approved: boolean): void {
    const key = `${segmentKey(segment)}|${psp}`;
    let state = this.outcomes.get(key);
    if (state === undefined) {
      state = { ring: new Uint8Array(this.window), next: 0, size: 0 };
      this.outcomes.set(key, state);
    }
    state.ring[state.next] = approved ? 1 : 0;
    state.next = (state.next + 1) % this.window;
    state.size = Math.min(state.size + 1, this.window);
  }

  counts(segment: Segment, psp: string): { approved: number; declined: number } {
    const state = this.outcomes.get(`${segmentKey(segment)}|${psp}`);
    if (state === undefined) return { approved: 0, declined: 0 };
    let approved = 0;
    for (let i = 0; i < state.size; i++) approved += state.ring[i]!;
    return { approved, declined: state.size - approved };
  }

  /** One Thompson draw of the PSP's approval rate in the segment. */
  sample(segment: Segment, psp: string, random: Random): number {
    const { approved, declined } = this.counts(segment, psp);
    return sampleBeta(1 + approved, 1 + declined, random);
  }

  /** Observed rates, for the stats endpoint and the tour. */
  snapshot(): { segment: string; psp: string; approved: number; declined: number }[] {
    return [...this.outcomes.keys()].map((key) => {
      const [segment, psp] = key.split('|') as [string, string];
      const [brand, country, currency] = segment.split(':') as [string, string, string];
      return { segment, psp, ...this.counts({ brand, country, currency }, psp) };
    });
  }
}
