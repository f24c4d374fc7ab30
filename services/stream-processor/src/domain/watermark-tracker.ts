/** Watermark per source (a topic partition), combined by minimum. */
export interface WatermarkOptions {
  /** How far behind the newest event of a source its watermark trails. */
  outOfOrdernessMs: number;
  /** A source silent this long (processing time) stops holding the watermark back. */
  idleTimeoutMs: number;
  /**
   * Set for a stage after a repartition: the upstream partitions whose reported watermarks
   * this one is the minimum of. Each holds it back until heard from; records do not move it.
   */
  upstream?: string[];
}

interface SourceState {
  maxTime: number;
  lastSeenAt: number;
}

/** JSON-able state so the watermark survives a restart with the rest of the task's state. */
export interface WatermarkState {
  sources: Record<string, SourceState>;
  emitted: number;
}

export function initialWatermark(): WatermarkState {
  return { sources: {}, emitted: -1 };
}

export function observeEvent(state: WatermarkState, source: string, time: number, now: number) {
  const current = state.sources[source];
  state.sources[source] = { maxTime: Math.max(current?.maxTime ?? -1, time), lastSeenAt: now };
}

/** Sources known up front count from the start, so a silent one holds the watermark back. */
export function expectSources(state: WatermarkState, sources: string[], now: number) {
  for (const source of sources) state.sources[source] ??= { maxTime: -1, lastSeenAt: now };
}

/**
 * The watermark W: the engine expects no more events with time < W. It is the minimum over
 * active sources of (newest event - out-of-orderness); idle sources are left out so one quiet
 * partition cannot stall every window, and when all are idle the newest one counts. It never
 * goes back.
 */
export function currentWatermark(
  state: WatermarkState,
  options: WatermarkOptions,
  now: number,
): number {
  const sources = Object.values(state.sources);
  if (sources.length === 0) return state.emitted;
  const active = sources.filter(({ lastSeenAt }) => now - lastSeenAt < options.idleTimeoutMs);
  const considered = active.length > 0 ? active : sources;
  const pick = active.length > 0 ? Math.min : Math.max;
  const candidate = pick(...considered.map(({ maxTime }) => maxTime)) - options.outOfOrdernessMs;
  state.emitted = Math.max(state.emitted, candidate);
  return state.emitted;
}
