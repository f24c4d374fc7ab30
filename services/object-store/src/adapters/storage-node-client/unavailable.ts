import { errors } from 'undici';
import { NodeUnavailableError, StorageNodeError } from './storage-node-errors.ts';

/**
 * Classifies a failure to get an answer: connection refused or reset, a timeout, a body cut
 * short (the node died, or found a corrupt block mid-stream). All mean "this node cannot
 * serve this now". A StorageNodeError passes through; a misuse of undici stays a bug.
 */
export function unavailable(nodeUrl: string, error: unknown): Error {
  if (error instanceof StorageNodeError || error instanceof errors.InvalidArgumentError) {
    return error;
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new NodeUnavailableError(`${nodeUrl}: ${reason}`, { nodeUrl, cause: error });
}
