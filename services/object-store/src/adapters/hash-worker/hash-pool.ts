import { availableParallelism } from 'node:os';
import type { HashName } from '../../domain/checksums/index.ts';
import { BatchBuffers } from './batch-buffers.ts';
import { HashWorkerError } from './hash-worker-error.ts';
import { WorkerHandle } from './worker-handle.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** One body's bytes hashed on a thread while the caller goes on with them. */
export interface HashStream {
  /**
   * Posts a copy of `chunk` (the caller may reuse or send it at once). Resolves at once unless
   * the thread has fallen more than the pool's limit behind; rejects with HashWorkerError if
   * the thread died.
   */
  update(chunk: Uint8Array): Promise<void>;
  /** The digests of everything passed to `update`; the stream is then closed. */
  digests(): Promise<ReadonlyMap<HashName, Buffer>>;
  /** Forgets the stream (its upload failed); harmless after `digests`. */
  abort(): void;
  /** Bytes passed to `update` the thread has not hashed yet. */
  readonly outstandingBytes: number;
}

/** A few threads every upload of the process shares; a stream stays on the thread it opened on. */
export interface HashPool {
  /** A stream hashing its bytes with every hash in `names`. */
  open(names: Iterable<HashName>): HashStream;
  /** Stops the threads; streams still open fail. */
  close(): Promise<void>;
}

export interface HashPoolOptions {
  /** Threads; by default one per core but the one the gateway's own thread needs. */
  size?: number;
  /** Bytes copied into one message (256 KiB): a few large messages cost less than many small. */
  batchBytes?: number;
  /** Bytes of a stream posted but not yet hashed above which `update` waits (4 MiB). */
  maxOutstandingBytes?: number;
  /** The threads' entry module; tests substitute one that crashes. */
  script?: URL;
}

/**
 * Hashing moved off the gateway's thread. MD5 (the ETag) runs at about 0.6 GB/s per core and
 * cannot be split, so on the gateway's one JavaScript thread it would cap every upload and
 * delay every other request; here that thread only copies each chunk (several GB/s), goes on
 * encoding and sending it, and collects the digests at the end. A stream holds about
 * `maxOutstandingBytes` (plus the chunk and batch in hand) however slow the threads get.
 */
export function createHashPool(options: HashPoolOptions = {}): HashPool {
  const size = options.size ?? Math.max(1, availableParallelism() - 1);
  const script = options.script ?? new URL('./hash-thread.ts', import.meta.url);
  const batchBytes = options.batchBytes ?? 256 * KiB;
  const maxOutstandingBytes = options.maxOutstandingBytes ?? 4 * MiB;
  // Idle buffers kept: enough for a few streams at their limit, so steady uploads never allocate.
  const buffers = new BatchBuffers(batchBytes, 4 * Math.ceil(maxOutstandingBytes / batchBytes + 1));
  const shared = { buffers, maxOutstandingBytes };
  const threads: WorkerHandle[] = [];
  let nextId = 1;
  let closed = false;

  const leastLoaded = (): WorkerHandle => {
    if (threads.length < size) {
      // A thread that dies leaves the pool; the next stream starts its replacement.
      const started = new WorkerHandle(script, shared, (exited) => {
        const index = threads.indexOf(exited);
        if (index >= 0) threads.splice(index, 1);
      });
      threads.push(started);
      return started;
    }
    return threads.reduce((best, thread) => (thread.load < best.load ? thread : best));
  };

  return {
    open(names) {
      if (closed) throw new HashWorkerError('the hash pool is closed');
      return leastLoaded().open(nextId++, [...new Set(names)]);
    },
    async close() {
      closed = true;
      const error = new HashWorkerError('the hash pool was closed');
      await Promise.all(threads.map((thread) => thread.terminate(error)));
    },
  };
}
