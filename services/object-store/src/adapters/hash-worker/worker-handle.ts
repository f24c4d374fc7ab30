import { Worker } from 'node:worker_threads';
import type { HashName } from '../../domain/checksums/index.ts';
import type { BatchBuffers } from './batch-buffers.ts';
import { HashWorkerError } from './hash-worker-error.ts';
import type { FromHashThread, ToHashThread } from './messages.ts';
import { ThreadHashStream } from './thread-hash-stream.ts';
import type { StreamContext } from './thread-hash-stream.ts';

/**
 * One hash thread seen from the gateway's thread: starts it, opens streams on it, routes its
 * replies, and fails every stream it holds when it exits, so no upload waits for a dead thread.
 * The thread keeps the process alive only while it has streams.
 */
export class WorkerHandle {
  private readonly worker: Worker;
  private readonly context: StreamContext;
  private readonly streams = new Map<number, ThreadHashStream>();
  private crash: Error | undefined;

  constructor(
    script: URL,
    shared: { buffers: BatchBuffers; maxOutstandingBytes: number },
    onExit: (handle: WorkerHandle) => void,
  ) {
    // No inherited flags: the gateway's `--import` of the telemetry SDK has no business here.
    this.worker = new Worker(script, { execArgv: [] });
    this.context = {
      ...shared,
      post: (message: ToHashThread, transfer?: ArrayBuffer[]) =>
        this.worker.postMessage(message, transfer),
    };
    this.worker.unref();
    this.worker.on('message', (message: FromHashThread) => this.receive(message));
    this.worker.on('error', (error: Error) => {
      this.crash = error;
    });
    this.worker.on('exit', (code) => {
      this.failAll(
        new HashWorkerError(`a hash thread exited (code ${code}) while hashing an upload`, {
          cause: this.crash,
        }),
      );
      onExit(this);
    });
  }

  get load(): number {
    return this.streams.size;
  }

  open(id: number, names: readonly HashName[]): ThreadHashStream {
    const stream = new ThreadHashStream(id, this.context, () => this.release(id));
    if (this.streams.size === 0) this.worker.ref();
    this.streams.set(id, stream);
    this.context.post({ type: 'open', stream: id, names: [...names] });
    return stream;
  }

  /** Ends the thread; its streams fail. */
  async terminate(error: HashWorkerError): Promise<void> {
    this.failAll(error);
    await this.worker.terminate();
  }

  private receive(message: FromHashThread): void {
    if (message.type === 'hashed') this.context.buffers.give(message.bytes.buffer as ArrayBuffer);
    const stream = this.streams.get(message.stream);
    if (stream === undefined) return; // aborted: its late acknowledgements mean nothing
    if (message.type === 'hashed') {
      stream.hashed(message.bytes.length);
    } else {
      this.release(message.stream);
      stream.finished(message.digests);
    }
  }

  private release(id: number): void {
    if (this.streams.delete(id) && this.streams.size === 0) this.worker.unref();
  }

  private failAll(error: HashWorkerError): void {
    const streams = [...this.streams.values()];
    this.streams.clear();
    streams.forEach((stream) => stream.fail(error));
  }
}
