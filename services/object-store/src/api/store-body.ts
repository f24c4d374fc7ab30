import type { Segment } from '../domain/object-version.ts';
import { deleteSegmentShards } from '../data-path/storage-nodes.ts';
import type { StorageNodes } from '../data-path/storage-nodes.ts';
import { writeSegment } from '../data-path/write-segment.ts';
import { receiveBody } from './receive-body.ts';
import type { ReceivedFacts } from './receive-body.ts';
import type { S3Call } from './s3-call.ts';

/**
 * Streams a request body into a new segment and checks it (length, signature, checksums).
 * Nothing is visible yet: the caller commits the metadata. A body that fails its checks
 * leaves shards no row will ever reference; they are deleted at once (and would otherwise be
 * found by the cleaner).
 */
export async function storeBody(
  { request, headers, auth, deps }: S3Call,
  maxSize: number,
): Promise<{ segment: Segment | undefined; facts: ReceivedFacts }> {
  const body = receiveBody(request.raw, headers, auth, maxSize);
  const segment = await writeSegment(body.source, {
    codec: deps.codec,
    nodes: deps.nodes,
    blockSize: deps.blockSize,
  });
  try {
    return { segment, facts: await body.finish() };
  } catch (error) {
    if (segment !== undefined) discardSegment(segment, deps.nodes);
    throw error;
  }
}

/** Best effort and not awaited: the request's answer does not wait for the nodes. */
export function discardSegment(segment: Segment, nodes: StorageNodes): void {
  void deleteSegmentShards(segment, nodes);
}
