import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest-random-weight) hashing: every node gets a score for the segment, and
 * the k+m highest scores form its erasure set, shard i on the i-th best node. Adding or
 * removing a node only moves the segments whose top scores it enters or leaves, and every
 * gateway computes the same answer from the node list alone, with no ring to keep in sync.
 */
export function placeShards(
  segmentId: string,
  nodeIds: readonly string[],
  width: number,
): string[] {
  if (new Set(nodeIds).size !== nodeIds.length) {
    throw new Error('placement: node ids must be unique');
  }
  if (width > nodeIds.length) {
    throw new Error(`placement: ${width} shards need ${width} nodes, only ${nodeIds.length} known`);
  }
  return nodeIds
    .map((nodeId) => ({ nodeId, score: scoreOf(nodeId, segmentId) }))
    .sort((a, b) => (a.score === b.score ? 0 : a.score > b.score ? -1 : 1))
    .slice(0, width)
    .map(({ nodeId }) => nodeId);
}

function scoreOf(nodeId: string, segmentId: string): bigint {
  return createHash('sha256').update(`${nodeId}\0${segmentId}`).digest().readBigUInt64BE(0);
}
