import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { toConsumedMessage } from './consumed-message.ts';
import type { ConsumedMessage } from './consumed-message.ts';

export interface ReadToEndOptions {
  /** Only these partitions (default: all). */
  partitions?: number[];
  /** Where to start per partition (default: the beginning): replaying only a changelog's tail. */
  startOffsets?: Record<number, string>;
  readUncommitted?: boolean;
  /** Called for each message in offset order per partition; default collects them. */
  onMessage?: (message: ConsumedMessage) => void | Promise<void>;
  timeoutMs?: number;
}

/**
 * Reads a topic from the beginning up to its end as of the call: restoring state from a
 * changelog, or checking what a topic holds. The end offsets count transaction markers, which
 * kafkajs never hands out, so progress is tracked through batch events, which report a batch's
 * last offset markers included. Uses a throw-away consumer group, deleted afterwards.
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  options: ReadToEndOptions = {},
): Promise<ConsumedMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `read-to-end-${randomUUID()}`;
  try {
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic))
        .filter(
          ({ partition, high, low }) =>
            BigInt(high) > BigInt(options.startOffsets?.[partition] ?? low) &&
            (options.partitions?.includes(partition) ?? true),
        )
        .map(({ partition, high }) => [partition, BigInt(high)]),
    );
    if (ends.size === 0) return [];
    const collected: ConsumedMessage[] = [];
    const onMessage =
      options.onMessage ?? ((message: ConsumedMessage) => void collected.push(message));
    await consume(kafka, topic, groupId, ends, options, onMessage);
    return collected;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function consume(
  kafka: Kafka,
  topic: string,
  groupId: string,
  ends: Map<number, bigint>,
  options: ReadToEndOptions,
  onMessage: (message: ConsumedMessage) => void | Promise<void>,
): Promise<void> {
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: options.readUncommitted ?? false,
    maxWaitTimeInMs: 100,
  });
  const reached = new Map<number, bigint>();
  const done = () =>
    [...ends].every(([partition, end]) => (reached.get(partition) ?? -1n) >= end - 1n);
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    reached.set(payload.partition, BigInt(payload.lastOffset));
    if (done()) finish();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        const start = BigInt(options.startOffsets?.[batch.partition] ?? 0);
        for (const message of batch.messages) {
          // A batch fetched before the seek below took effect may hold earlier records.
          if (BigInt(message.offset) < start) continue;
          if (BigInt(message.offset) >= end) break;
          await onMessage(toConsumedMessage(topic, batch.partition, message));
        }
      },
    });
    // Not admin.setOffsets: kafkajs implements it with a consumer that waits out a fetch (5 s).
    for (const [partition, offset] of Object.entries(options.startOffsets ?? {})) {
      if (ends.has(Number(partition)))
        consumer.seek({ topic, partition: Number(partition), offset });
    }
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${topic} to its end took over ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
}
