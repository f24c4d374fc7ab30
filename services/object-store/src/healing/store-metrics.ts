import { meter } from '@scale-models/telemetry';

export interface StoreMetricsSnapshot {
  degradedReads: number;
  shardsHealed: number;
  /** Shards the current (or last) scrub pass could not check: their node is down. */
  shardsUnreachable: number;
  segmentsScrubbed: number;
  scrubPasses: number;
  scrubProgress: { checked: number; total: number };
  orphanShardsRemoved: number;
  garbageSegmentsRemoved: number;
  lastPassAt: string | undefined;
}

/**
 * The numbers that prove the design claim: reads that rebuilt data from parity, shards the
 * healer restored, scrub progress, garbage cleaned. Kept in memory for the admin endpoint
 * (and the tour), and exported as OpenTelemetry observable instruments.
 */
export class StoreMetrics {
  private readonly values: StoreMetricsSnapshot = {
    degradedReads: 0,
    shardsHealed: 0,
    shardsUnreachable: 0,
    segmentsScrubbed: 0,
    scrubPasses: 0,
    scrubProgress: { checked: 0, total: 0 },
    orphanShardsRemoved: 0,
    garbageSegmentsRemoved: 0,
    lastPassAt: undefined,
  };

  constructor() {
    const instruments = meter('object-store');
    const counters = {
      'object_store.degraded_reads': 'degradedReads',
      'object_store.shards_healed': 'shardsHealed',
      'object_store.segments_scrubbed': 'segmentsScrubbed',
      'object_store.orphan_shards_removed': 'orphanShardsRemoved',
      'object_store.garbage_segments_removed': 'garbageSegmentsRemoved',
    } as const;
    for (const [name, field] of Object.entries(counters)) {
      instruments
        .createObservableCounter(name)
        .addCallback((result) => result.observe(this.values[field]));
    }
    instruments
      .createObservableGauge('object_store.scrub_progress', { unit: '1' })
      .addCallback((result) => {
        const { checked, total } = this.values.scrubProgress;
        result.observe(total === 0 ? 1 : checked / total);
      });
  }

  degradedRead(): void {
    this.values.degradedReads += 1;
  }

  healed(shards: number): void {
    this.values.shardsHealed += shards;
  }

  scrubbed(segment: { unreachable: number }): void {
    this.values.segmentsScrubbed += 1;
    this.values.shardsUnreachable += segment.unreachable;
    this.values.scrubProgress.checked += 1;
  }

  passStarted(total: number): void {
    this.values.scrubProgress = { checked: 0, total };
    this.values.shardsUnreachable = 0;
  }

  passFinished(): void {
    this.values.scrubPasses += 1;
    this.values.lastPassAt = new Date().toISOString();
  }

  orphansRemoved(count: number): void {
    this.values.orphanShardsRemoved += count;
  }

  garbageRemoved(count: number): void {
    this.values.garbageSegmentsRemoved += count;
  }

  snapshot(): StoreMetricsSnapshot {
    return structuredClone(this.values);
  }
}
