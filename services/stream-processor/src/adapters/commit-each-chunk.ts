import type { Batch, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';

/**
 * An `eachBatch` handler (with `autoCommit` and `eachBatchAutoResolve` off) that hands a batch
 * to `handle` in chunks of at most `size` messages and commits the offset past each chunk once
 * it is handled, so a crash replays at most one chunk. Stops at a rebalance or shutdown.
 */
export function commitEachChunk(
  consumer: Consumer,
  size: number,
  handle: (batch: Batch, chunk: KafkaMessage[]) => Promise<void>,
): (payload: EachBatchPayload) => Promise<void> {
  return async (payload) => {
    const { batch } = payload;
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + size);
      await handle(batch, chunk);
      const last = chunk.at(-1)!.offset;
      payload.resolveOffset(last);
      const next = (BigInt(last) + 1n).toString();
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: next },
      ]);
      await payload.heartbeat();
    }
  };
}
