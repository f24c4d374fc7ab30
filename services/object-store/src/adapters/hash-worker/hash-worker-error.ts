/** A hash thread died (or its pool was closed) while hashing a stream: the upload cannot finish. */
export class HashWorkerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HashWorkerError';
  }
}
