import { sortedIndex } from './sorted-index.ts';

/**
 * Keyed state as operators see it: string keys kept in order (timers and windows scan by
 * prefix and time), JSON-able values. The adapters put it on LMDB with a changelog topic.
 */
export interface StateStore {
  get(key: string): unknown;
  put(key: string, value: unknown): void;
  delete(key: string): void;
  /** Entries with start <= key < end, in key order. */
  range(start: string, end: string): [string, unknown][];
}

/** A store in memory with its keys kept sorted: unit tests and the engine without persistence. */
export function createMemoryStore(): StateStore {
  const entries = new Map<string, unknown>();
  const keys: string[] = [];
  const position = (key: string) => sortedIndex(keys, key);
  return {
    get: (key) => entries.get(key),
    put(key, value) {
      if (!entries.has(key)) keys.splice(position(key), 0, key);
      entries.set(key, value);
    },
    delete(key) {
      if (entries.delete(key)) keys.splice(position(key), 1);
    },
    range(start, end) {
      const result: [string, unknown][] = [];
      for (let i = position(start); i < keys.length && keys[i]! < end; i += 1) {
        result.push([keys[i]!, entries.get(keys[i]!)]);
      }
      return result;
    },
  };
}

/** A view of a store under a fixed prefix, so operators of one task never collide. */
export function scopedStore(store: StateStore, prefix: string): StateStore {
  return {
    get: (key) => store.get(prefix + key),
    put: (key, value) => store.put(prefix + key, value),
    delete: (key) => store.delete(prefix + key),
    range: (start, end) =>
      store
        .range(prefix + start, prefix + end)
        .map(([key, value]) => [key.slice(prefix.length), value]),
  };
}
