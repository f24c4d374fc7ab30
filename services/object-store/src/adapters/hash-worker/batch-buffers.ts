/**
 * The batch buffers chunks are copied into, reused: each travels to a hash thread and back with
 * its acknowledgement. Fresh buffers would die in the thread, whose heap is too small for its
 * garbage collector to run often; they piled up to 150 MiB during one 1 GiB upload.
 */
export class BatchBuffers {
  readonly size: number;
  private readonly keep: number;
  private readonly free: ArrayBuffer[] = [];

  /** Buffers of `size` bytes; at most `keep` idle ones are held for reuse. */
  constructor(size: number, keep: number) {
    this.size = size;
    this.keep = keep;
  }

  take(): Uint8Array {
    return new Uint8Array(this.free.pop() ?? new ArrayBuffer(this.size));
  }

  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.size && this.free.length < this.keep) this.free.push(buffer);
  }
}
