import type { HashName } from '../../domain/checksums/index.ts';
import type { BatchBuffers } from './batch-buffers.ts';
import type { HashStream } from './hash-pool.ts';
import type { HashWorkerError } from './hash-worker-error.ts';
import type { ToHashThread } from './messages.ts';

/** What a stream shares with every other stream of its pool. */
export interface StreamContext {
  post: (message: ToHashThread, transfer?: ArrayBuffer[]) => void;
  buffers: BatchBuffers;
  maxOutstandingBytes: number;
}

/**
 * The gateway-side half of one stream hashed on a thread: copies chunks into batches it
 * transfers to the thread, counts what the thread has not hashed yet, and holds the caller
 * back only when that count passes the limit. The thread's replies come in through `hashed`,
 * `finished` and `fail` (called by its WorkerHandle).
 */
export class ThreadHashStream implements HashStream {
  readonly id: number;
  private readonly context: StreamContext;
  private readonly forget: () => void;
  private batch: Uint8Array | undefined;
  private filled = 0;
  private outstanding = 0;
  private state: 'open' | 'digesting' | 'done' = 'open';
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private settle:
    | { resolve: (digests: ReadonlyMap<HashName, Buffer>) => void; reject: (error: Error) => void }
    | undefined;

  constructor(id: number, context: StreamContext, forget: () => void) {
    this.id = id;
    this.context = context;
    this.forget = forget;
  }

  get outstandingBytes(): number {
    return this.outstanding + this.filled;
  }

  async update(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    if (this.state !== 'open') throw new Error('HashStream: update() after digests() or abort()');
    for (let used = 0; used < chunk.length;) {
      this.batch ??= this.context.buffers.take();
      const take = Math.min(chunk.length - used, this.batch.length - this.filled);
      this.batch.set(chunk.subarray(used, used + take), this.filled);
      this.filled += take;
      used += take;
      if (this.filled === this.batch.length) this.flush();
    }
    while (this.outstanding > this.context.maxOutstandingBytes) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.throwIfFailed();
    }
  }

  async digests(): Promise<ReadonlyMap<HashName, Buffer>> {
    this.throwIfFailed();
    if (this.state !== 'open') throw new Error('HashStream: digests() twice or after abort()');
    this.flush();
    this.state = 'digesting';
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.context.post({ type: 'digest', stream: this.id });
    });
  }

  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'done';
    if (this.batch !== undefined) this.context.buffers.give(this.batch.buffer as ArrayBuffer);
    this.batch = undefined;
    this.forget();
    if (this.failure === undefined) this.context.post({ type: 'abort', stream: this.id });
  }

  /** The thread hashed `bytes` more of this stream. */
  hashed(bytes: number): void {
    this.outstanding -= bytes;
    this.wakeUp();
  }

  finished(digests: [HashName, Uint8Array][]): void {
    this.state = 'done';
    this.settle?.resolve(
      new Map(
        digests.map(([name, bytes]) => [
          name,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        ]),
      ),
    );
  }

  /** The thread is gone: every wait and the digests fail with `error`. */
  fail(error: HashWorkerError): void {
    if (this.state === 'done' || this.failure !== undefined) return;
    this.failure = error;
    this.settle?.reject(error);
    this.wakeUp();
  }

  private flush(): void {
    const batch = this.batch;
    if (batch === undefined || this.filled === 0) return;
    // The batch owns its ArrayBuffer, so transferring it moves only these bytes, not a pool.
    this.context.post({ type: 'update', stream: this.id, bytes: batch.subarray(0, this.filled) }, [
      batch.buffer as ArrayBuffer,
    ]);
    this.outstanding += this.filled;
    this.batch = undefined;
    this.filled = 0;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
