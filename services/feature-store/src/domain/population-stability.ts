/** A feature's distribution as the share of values in each bin between fixed edges. */
export interface Histogram {
  /** Ascending inner bin edges: `edges.length + 1` bins, the outer two unbounded. */
  edges: number[];
  counts: number[];
}

/** Decile edges of a training column: bins that each hold about a tenth of the training values. */
export function quantileEdges(values: number[], bins = 10): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const edges = new Set<number>();
  for (let i = 1; i < bins; i++) edges.add(sorted[Math.floor((i * sorted.length) / bins)]!);
  return [...edges].sort((a, b) => a - b);
}

export function emptyHistogram(edges: number[]): Histogram {
  return { edges, counts: new Array<number>(edges.length + 1).fill(0) };
}

/** Adds a value to its bin (a value equal to an edge goes to the bin above it). */
export function addToHistogram(histogram: Histogram, value: number): void {
  let low = 0;
  let high = histogram.edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value < histogram.edges[mid]!) high = mid;
    else low = mid + 1;
  }
  histogram.counts[low]!++;
}

export function histogramOf(values: number[], edges: number[]): Histogram {
  const histogram = emptyHistogram(edges);
  for (const value of values) addToHistogram(histogram, value);
  return histogram;
}

// An empty bin would make the logarithm infinite; the usual remedy is a small floor.
const FLOOR = 1e-4;

/**
 * Population stability index between the training (expected) and served (actual) distributions
 * over the same bins: Σ (a − e) · ln(a / e). Rule of thumb: < 0.1 stable, 0.1–0.25 moderate
 * shift, > 0.25 significant drift.
 */
export function populationStabilityIndex(expected: Histogram, actual: Histogram): number {
  const expectedTotal = expected.counts.reduce((a, b) => a + b, 0);
  const actualTotal = actual.counts.reduce((a, b) => a + b, 0);
  if (expectedTotal === 0 || actualTotal === 0) return 0;
  let psi = 0;
  for (let i = 0; i < expected.counts.length; i++) {
    const e = Math.max(expected.counts[i]! / expectedTotal, FLOOR);
    const a = Math.max((actual.counts[i] ?? 0) / actualTotal, FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}
