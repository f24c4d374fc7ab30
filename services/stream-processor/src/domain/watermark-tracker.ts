/** Watermark per source (a topic partition), combined by minimum. */
export interface WatermarkOptions {
  /** How far behind the newest event of a source its watermark trails. */
  outOfOrdernessMs: number;
  /**
   * A source silent this long (processing time) stops holding the watermark back, as Flink's
   * `WatermarkStrategy.withIdleness`. Infinity for a stage after a repartition: its upstream
   * tasks announce their own idleness (see `markIdle`).
   */
  idleTimeoutMs: number;
  /**
   * Set for a stage after a repartition: the upstream partitions whose reported watermarks
   * this one is the minimum of. Each holds it back until heard from or announced idle; records
   * do not move it.
   */
  upstream?: string[];
}

interface SourceState {
  maxTime: number;
  lastSeenAt: number;
  /** Announced idle by the source itself; cleared by the next thing it sends. */
  idle?: true;
}

/** JSON-able state so the watermark survives a restart with the rest of the task's state. */
export interface WatermarkState {
  sources: Record<string, SourceState>;
  emitted: number;
}

export function initialWatermark(): WatermarkState {
  return { sources: {}, emitted: -1 };
}

/** An event (or an upstream watermark) from `source`: it is active again. */
export function observeEvent(state: WatermarkState, source: string, time: number, now: number) {
  const current = state.sources[source];
  state.sources[source] = { maxTime: Math.max(current?.maxTime ?? -1, time), lastSeenAt: now };
}

/** Sources known up front count from the start, so a silent one holds the watermark back. */
export function expectSources(state: WatermarkState, sources: string[], now: number) {
  for (const source of sources) state.sources[source] ??= { maxTime: -1, lastSeenAt: now };
}

/**
 * The source said it has nothing to send (an upstream task whose input went quiet): it is left
 * out of the minimum until it sends again. Its progress so far is kept.
 */
export function markIdle(state: WatermarkState, source: string, now: number) {
  const current = state.sources[source] ?? { maxTime: -1, lastSeenAt: now };
  state.sources[source] = { ...current, idle: true };
}

/**
 * The watermark W: the engine expects no more events with time < W. It is the minimum over
 * active sources of (newest event - out-of-orderness); idle sources are left out so one quiet
 * partition cannot stall every window. When every source is idle none will move on, so the
 * newest counts (Flink's valve flushes the maximum then). It never goes back: a source that
 * wakes up behind it only makes it wait, and its old events are judged by the allowed lateness.
 */
export function currentWatermark(
  state: WatermarkState,
  options: WatermarkOptions,
  now: number,
): number {
  const sources = Object.values(state.sources);
  if (sources.length === 0) return state.emitted;
  const active = sources.filter(
    (source) => source.idle !== true && now - source.lastSeenAt < options.idleTimeoutMs,
  );
  const considered = active.length > 0 ? active : sources;
  const pick = active.length > 0 ? Math.min : Math.max;
  const candidate = pick(...considered.map(({ maxTime }) => maxTime)) - options.outOfOrdernessMs;
  state.emitted = Math.max(state.emitted, candidate);
  return state.emitted;
}
