import { S3Error } from '../../domain/s3-error.ts';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Pull-based reads of lines and byte runs over an async stream of buffers, holding at most one
 * incoming buffer plus a line in progress. Data is handed out as views of the incoming
 * buffers, never copied.
 */
export class ByteReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #buffer: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /**
   * The next line without its terminator (`\n`, or `\r\n`), decoded as Latin-1; undefined when
   * the stream ends first. A line longer than `maxLength` bytes is malformed framing.
   */
  async readLine(maxLength: number): Promise<string | undefined> {
    const pieces: Buffer[] = [];
    let length = 0;
    for (;;) {
      if (!(await this.#fill())) return undefined;
      const newline = this.#buffer.indexOf(LF);
      const end = newline === -1 ? this.#buffer.length : newline;
      length += end;
      if (length > maxLength) {
        throw new S3Error(
          'InvalidArgument',
          `aws-chunked framing: a line exceeds ${maxLength} bytes.`,
        );
      }
      pieces.push(this.#buffer.subarray(0, end));
      if (newline !== -1) {
        this.#buffer = this.#buffer.subarray(newline + 1);
        const line = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
        const withoutCr = line.at(-1) === CR ? line.subarray(0, -1) : line;
        return withoutCr.toString('latin1');
      }
      this.#buffer = this.#buffer.subarray(end);
    }
  }

  /** Up to `max` bytes (at least one), as a view; undefined when the stream has ended. */
  async read(max: number): Promise<Buffer | undefined> {
    if (!(await this.#fill())) return undefined;
    const bytes = this.#buffer.subarray(0, max);
    this.#buffer = this.#buffer.subarray(bytes.length);
    return bytes;
  }

  /** Makes at least one byte available; false when the stream has ended. */
  async #fill(): Promise<boolean> {
    while (this.#buffer.length === 0) {
      if (this.#ended) return false;
      const next = await this.#source.next();
      if (next.done === true) {
        this.#ended = true;
        return false;
      }
      const chunk = next.value;
      this.#buffer = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    return true;
  }
}
