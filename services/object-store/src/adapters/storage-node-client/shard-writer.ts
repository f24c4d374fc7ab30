import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { errorOfResponse } from './error-of-response.ts';
import { NodeUnavailableError, ShardCorruptError } from './storage-node-errors.ts';
import { unavailable } from './unavailable.ts';

/** The node's answer once a shard is durable. */
export interface WrittenShard {
  length: number;
  crc32: number;
}

/**
 * One streaming shard upload. Call write() for each chunk in order, awaiting each, then end().
 * A chunk is sent as is, not copied: do not modify it after passing it in.
 */
export interface ShardWriter {
  /** Resolves once the chunk is accepted (backpressure); rejects if the upload failed. */
  write(chunk: Uint8Array): Promise<void>;
  /** Resolves with the node's answer once the shard is durable on the node. */
  end(): Promise<WrittenShard>;
  /** Cancels an upload not yet ended: the node discards it and no shard changes. */
  abort(): void;
}

export interface ShardWriterOptions {
  dispatcher: Dispatcher;
  nodeUrl: string;
  path: string;
  /** Bound on each wait: for a chunk to be accepted, for the node's answer after end(). */
  timeoutMs: number;
  /** Removes the stored shard; used when what the node stored differs from what was sent. */
  discard: () => Promise<void>;
}

export function openShardWriter(options: ShardWriterOptions): ShardWriter {
  const { dispatcher, nodeUrl, path, timeoutMs } = options;
  const body = new PassThrough();
  const controller = new AbortController();
  let failure: Error | undefined;
  let rejectFailed: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  failed.catch(() => undefined); // surfaced through write() and end()

  // The first failure wins and ends everything: the request, and any wait for it.
  const fail = (error: Error): Error => {
    if (failure !== undefined) return failure;
    failure = error;
    rejectFailed(error);
    controller.abort(error);
    body.destroy();
    return error;
  };

  const answer = (async (): Promise<WrittenShard> => {
    const response = await dispatcher.request({
      method: 'PUT',
      path,
      body,
      headers: { 'content-type': 'application/octet-stream' },
      signal: controller.signal,
      // The upload lasts as long as the caller takes to produce it; stalls are bounded by
      // withinTimeout around each wait instead.
      headersTimeout: 0,
    });
    if (response.statusCode !== 201) throw await errorOfResponse(nodeUrl, response);
    return (await response.body.json()) as WrittenShard;
  })().catch((error: unknown) => {
    throw fail(unavailable(nodeUrl, error));
  });
  answer.catch(() => undefined); // surfaced through end(), or not at all after abort()

  const withinTimeout = async <T>(promise: Promise<T>, doing: string): Promise<T> => {
    const timer = setTimeout(() => {
      const message = `${nodeUrl}: no progress for ${timeoutMs} ms while ${doing}`;
      fail(new NodeUnavailableError(message, { nodeUrl }));
    }, timeoutMs);
    try {
      return await Promise.race([promise, failed]);
    } catch (error) {
      // The body stream may report the connection's failure before the request does.
      throw fail(unavailable(nodeUrl, error));
    } finally {
      clearTimeout(timer);
    }
  };

  let ended = false;
  let length = 0;
  let checksum = 0;
  return {
    async write(chunk) {
      if (failure !== undefined) throw failure;
      if (ended) throw new Error('ShardWriter: write() after end()');
      length += chunk.length;
      checksum = crc32(chunk, checksum);
      if (body.write(chunk)) return;
      await withinTimeout(once(body, 'drain', { signal: controller.signal }), 'sending');
    },
    async end() {
      if (failure !== undefined) throw failure;
      if (!ended) {
        ended = true;
        body.end();
      }
      const written = await withinTimeout(answer, 'waiting for the node to commit');
      if (written.length === length && written.crc32 === checksum) return written;
      // Block CRCs protect what the node received; this catches what changed on the way.
      await options.discard().catch(() => undefined);
      throw new ShardCorruptError(
        `${nodeUrl}: stored ${written.length} bytes with CRC32 ${written.crc32}, sent ${length} with ${checksum}`,
        { nodeUrl },
      );
    },
    abort() {
      fail(new Error('shard upload aborted by the caller'));
    },
  };
}
