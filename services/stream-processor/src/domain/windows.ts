/** Window kinds of the engine and of the SQL front end (TUMBLE, HOP, SESSION). */
export type WindowSpec =
  | { kind: 'tumble'; sizeMs: number }
  | { kind: 'hop'; sizeMs: number; slideMs: number }
  | { kind: 'session'; gapMs: number };

/** A half-open interval of event time [start, end). */
export interface TimeWindow {
  start: number;
  end: number;
}

/** The fixed windows an event at `time` belongs to (tumbling: one, hopping: size/slide). */
export function fixedWindowsOf(spec: WindowSpec, time: number): TimeWindow[] {
  if (spec.kind === 'tumble') {
    const start = time - (time % spec.sizeMs);
    return [{ start, end: start + spec.sizeMs }];
  }
  if (spec.kind === 'hop') {
    const windows: TimeWindow[] = [];
    const lastStart = time - (time % spec.slideMs);
    for (let start = lastStart; start > time - spec.sizeMs; start -= spec.slideMs) {
      if (start >= 0) windows.push({ start, end: start + spec.sizeMs });
    }
    return windows.reverse();
  }
  throw new Error('session windows are not fixed; see mergeSessions');
}

/** The session an event opens on its own: [time, time + gap). */
export function sessionOf(gapMs: number, time: number): TimeWindow {
  return { start: time, end: time + gapMs };
}

/** Two sessions merge when they overlap or touch. */
export function sessionsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function validateWindowSpec(spec: WindowSpec): string | undefined {
  const positive = (value: number) => Number.isSafeInteger(value) && value > 0;
  if (spec.kind === 'tumble' && !positive(spec.sizeMs)) return 'window size must be positive';
  if (spec.kind === 'hop') {
    if (!positive(spec.sizeMs) || !positive(spec.slideMs)) return 'size and slide must be positive';
    if (spec.sizeMs % spec.slideMs !== 0) return 'hop size must be a multiple of the slide';
  }
  if (spec.kind === 'session' && !positive(spec.gapMs)) return 'session gap must be positive';
  return undefined;
}
