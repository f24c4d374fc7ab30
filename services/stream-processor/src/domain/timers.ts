import type { StateStore } from './state-store.ts';

const WIDTH = 16;
/** Times as fixed-width decimal strings sort like numbers (0 .. 10^16 ms, about 300,000 years). */
export function timeKey(time: number): string {
  if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`time ${time} out of range`);
  return time.toString().padStart(WIDTH, '0');
}

export interface TimerIndex {
  register(time: number, id: string, payload?: unknown): void;
  cancel(time: number, id: string): void;
  /** Removes and returns, in time order, every timer with time <= upTo. */
  takeDue(upTo: number): { time: number; id: string; payload: unknown }[];
}

/**
 * Event-time timers kept in the state store itself (`<time>|<id>`), so they survive a restart
 * with the state they belong to and cost no heap while waiting.
 */
export function createTimerIndex(store: StateStore): TimerIndex {
  return {
    register: (time, id, payload = 1) => store.put(`${timeKey(time)}|${id}`, payload),
    cancel: (time, id) => store.delete(`${timeKey(time)}|${id}`),
    takeDue(upTo) {
      if (upTo < 0) return [];
      const due = store.range('', timeKey(upTo) + '}');
      return due.map(([key, payload]) => {
        store.delete(key);
        return { time: Number(key.slice(0, WIDTH)), id: key.slice(WIDTH + 1), payload };
      });
    },
  };
}
