import type { Dispatcher } from 'undici';
import {
  NodeUnavailableError,
  ShardCorruptError,
  ShardNotFoundError,
  StorageNodeError,
} from './storage-node-errors.ts';

interface ProblemBody {
  code?: string;
  detail?: string;
  block?: number | 'header';
}

/** The error a non-success answer stands for; reads (and so releases) the response body. */
export async function errorOfResponse(
  nodeUrl: string,
  response: Dispatcher.ResponseData,
): Promise<StorageNodeError> {
  const problem = await problemOf(response);
  const status = response.statusCode;
  const options = { nodeUrl, status, code: problem.code };
  const message = `${nodeUrl}: ${status} ${problem.detail ?? problem.code ?? 'error'}`;
  if (status >= 500) return new NodeUnavailableError(message, options);
  // HEAD answers have no body, hence no code: a 404 or 409 on a shard path means the shard.
  if (status === 404 && (problem.code ?? 'shard.not_found') === 'shard.not_found') {
    return new ShardNotFoundError(message, options);
  }
  if (status === 409 && (problem.code ?? 'shard.corrupt') === 'shard.corrupt') {
    const block = typeof problem.block === 'number' ? problem.block : undefined;
    return new ShardCorruptError(message, { ...options, block });
  }
  return new StorageNodeError(message, options);
}

async function problemOf(response: Dispatcher.ResponseData): Promise<ProblemBody> {
  try {
    const text = await response.body.text();
    return text === '' ? {} : (JSON.parse(text) as ProblemBody);
  } catch {
    return {}; // not JSON, or the connection dropped: the status alone has to do
  }
}
