export interface StorageNodeErrorOptions {
  nodeUrl: string;
  /** The node's HTTP status, when it answered. */
  status?: number;
  /** The node's problem+json `code`, when it answered with one. */
  code?: string;
  cause?: unknown;
}

/** Anything that went wrong talking to a storage node; the subclasses are what callers branch on. */
export class StorageNodeError extends Error {
  readonly nodeUrl: string;
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: StorageNodeErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.nodeUrl = options.nodeUrl;
    this.status = options.status;
    this.code = options.code;
  }
}

/** The node is down, unreachable, too slow or failing (5xx): try another node, heal later. */
export class NodeUnavailableError extends StorageNodeError {}

/** The node is fine but does not have this shard. */
export class ShardNotFoundError extends StorageNodeError {}

/**
 * The node has the shard but it failed a checksum: `block` is the data block that did, or
 * undefined when the header (or the transfer, see ShardWriter.end) was damaged.
 */
export class ShardCorruptError extends StorageNodeError {
  readonly block: number | undefined;

  constructor(message: string, options: StorageNodeErrorOptions & { block?: number }) {
    super(message, options);
    this.block = options.block;
  }
}
