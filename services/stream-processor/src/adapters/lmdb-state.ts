import { rmSync } from 'node:fs';
import { open } from 'lmdb';
import type { RootDatabase } from 'lmdb';
import type { StateStore } from '../domain/state-store.ts';

/** A change of one chunk: the new value, or undefined for a delete (a changelog tombstone). */
export type StateChange = [key: string, value: unknown];

export interface TaskState {
  store: StateStore;
  /** The changes since the last commit or rollback, for the changelog. */
  pending(): StateChange[];
  /** The chunk's transaction committed: its changes become the local state. */
  commit(): void;
  /** The chunk's transaction aborted: forget its changes, as Kafka forgot its outputs. */
  rollback(): void;
  /** Applies changelog records during restore, in one LMDB transaction. */
  restore(changes: StateChange[]): void;
  close(): Promise<void>;
}

const DELETED = Symbol('deleted');

/**
 * A task's keyed state: LMDB on local disk (memory-mapped, so state may outgrow the heap)
 * under an overlay of the current chunk's uncommitted changes. Only committed chunks reach
 * LMDB, so an aborted transaction leaves state exactly as its changelog has it.
 */
export function openTaskState(path: string): TaskState {
  // The changelog is the source of truth: local files start empty and are rebuilt from it.
  rmSync(path, { recursive: true, force: true });
  const db: RootDatabase = open({ path, noSync: true, compression: false });
  let overlay = new Map<string, unknown>();
  const store: StateStore = {
    get(key) {
      const value = overlay.get(key);
      if (value === DELETED) return undefined;
      return value ?? (db.get(key) as unknown);
    },
    put: (key, value) => void overlay.set(key, value),
    delete: (key) => void overlay.set(key, DELETED),
    range(start, end) {
      const merged = new Map<string, unknown>();
      for (const { key, value } of db.getRange({ start, end })) merged.set(key as string, value);
      for (const [key, value] of overlay) if (key >= start && key < end) merged.set(key, value);
      return [...merged]
        .filter(([, value]) => value !== DELETED)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    },
  };
  return {
    store,
    pending: () => [...overlay].map(([key, value]) => [key, value === DELETED ? undefined : value]),
    commit() {
      const changes = overlay;
      overlay = new Map();
      db.transactionSync(() => {
        for (const [key, value] of changes) {
          if (value === DELETED) db.removeSync(key);
          else db.putSync(key, value);
        }
      });
    },
    rollback: () => void (overlay = new Map()),
    restore(changes) {
      db.transactionSync(() => {
        for (const [key, value] of changes) {
          if (value === undefined) db.removeSync(key);
          else db.putSync(key, value);
        }
      });
    },
    close: () => db.close(),
  };
}
