import { open } from 'lmdb';
import type { StateCheckpoint } from '../domain/restore-plan.ts';
import type { StateStore } from '../domain/state-store.ts';

/** A change of one chunk: the new value, or undefined for a delete (a changelog tombstone). */
export type StateChange = [key: string, value: unknown];

export interface TaskState {
  store: StateStore;
  /** The changes since the last commit or rollback, for the changelog. */
  pending(): StateChange[];
  /**
   * The chunk's transaction committed: its changes become the local state, in one LMDB
   * transaction with the checkpoint they reach (undefined keeps the old one, null drops it).
   */
  commit(checkpoint?: StateCheckpoint | null): void;
  /** The chunk's transaction aborted: forget its changes, as Kafka forgot its outputs. */
  rollback(): void;
  /** Applies changelog records during restore, atomically with the checkpoint they reach. */
  restore(changes: StateChange[], checkpoint: StateCheckpoint): void;
  /** The changelog position the local state reflects, if it is known. */
  checkpoint(): StateCheckpoint | undefined;
  /** Wipes the local state before a full rebuild. */
  clear(): void;
  close(): Promise<void>;
}

const DELETED = Symbol('deleted');

const CHECKPOINT = 'checkpoint';

/**
 * A task's keyed state: LMDB on local disk (memory-mapped, so state may outgrow the heap)
 * under an overlay of the current chunk's uncommitted changes. Only committed chunks reach
 * LMDB, so an aborted transaction leaves state exactly as its changelog has it. The files
 * survive restarts with the changelog offset they reflect (`checkpoint`), so a restart
 * replays only the changelog's tail.
 */
export function openTaskState(path: string): TaskState {
  // noSync: a killed process loses nothing (the OS holds the pages); a machine crash may lose
  // recent commits, and the checkpoint written with them, so the state stays consistent.
  const root = open({ path, noSync: true, compression: false });
  const db = root.openDB<unknown, string>({ name: 'state' });
  const meta = root.openDB<StateCheckpoint, string>({ name: 'meta' });
  const write = (changes: Iterable<StateChange>, checkpoint: StateCheckpoint | null | undefined) =>
    root.transactionSync(() => {
      for (const [key, value] of changes) {
        if (value === undefined) db.removeSync(key);
        else db.putSync(key, value);
      }
      if (checkpoint === null) meta.removeSync(CHECKPOINT);
      else if (checkpoint !== undefined) meta.putSync(CHECKPOINT, checkpoint);
    });
  let overlay = new Map<string, unknown>();
  const pending = () =>
    [...overlay].map(([key, value]): StateChange => [key, value === DELETED ? undefined : value]);
  const store: StateStore = {
    get(key) {
      const value = overlay.get(key);
      if (value === DELETED) return undefined;
      return value ?? db.get(key);
    },
    put: (key, value) => void overlay.set(key, value),
    delete: (key) => void overlay.set(key, DELETED),
    range(start, end) {
      const merged = new Map<string, unknown>();
      for (const { key, value } of db.getRange({ start, end })) merged.set(key, value);
      for (const [key, value] of overlay) if (key >= start && key < end) merged.set(key, value);
      return [...merged]
        .filter(([, value]) => value !== DELETED)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    },
  };
  return {
    store,
    pending,
    commit(checkpoint) {
      const changes = pending();
      overlay = new Map();
      write(changes, checkpoint);
    },
    rollback: () => void (overlay = new Map()),
    restore: (changes, checkpoint) => write(changes, checkpoint),
    checkpoint: () => meta.get(CHECKPOINT),
    clear() {
      // The checkpoint goes first: a crash halfway leaves state without one, rebuilt next time.
      meta.removeSync(CHECKPOINT);
      db.clearSync();
    },
    close: () => root.close(),
  };
}
