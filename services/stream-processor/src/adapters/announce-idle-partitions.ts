import type { Kafka } from 'kafkajs';
import type { IdlePartitions } from '../domain/idle-partitions.ts';
import { idleMessages } from './repartition-messages.ts';
import { repeatEvery } from './repeat-every.ts';

export interface IdleAnnouncerOptions {
  kafka: Kafka;
  /** This stage's input partitions and when each last sent something. */
  partitions: IdlePartitions;
  /** The next stage's repartition topic, where the announcements go. */
  next: { topic: string; partitions: number };
  idleTimeoutMs: number;
  now?: () => number;
}

/**
 * Tells the next stage which of this stage's input partitions went quiet, so it leaves them
 * out of its watermark instead of waiting for them forever (a partition that never gets an
 * event has no task to send watermarks at all). The announcement goes to every partition of
 * the repartition topic, outside the tasks' transactions: it carries no result, and a stale one
 * (the partition woke up meanwhile) is corrected by that partition's next watermark.
 */
export async function startIdleAnnouncer(
  options: IdleAnnouncerOptions,
): Promise<() => Promise<void>> {
  const { kafka, partitions, next } = options;
  const now = options.now ?? Date.now;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // Checked a few times per timeout, so a partition is announced soon after it goes quiet.
  const checkEveryMs = Math.min(1_000, Math.max(50, options.idleTimeoutMs / 4));
  const stop = repeatEvery(checkEveryMs, async () => {
    const quietAt = now();
    const quiet = partitions.quiet(quietAt);
    if (quiet.length === 0) return;
    const messages = quiet.flatMap((partition) =>
      idleMessages(next.topic, next.partitions, partition),
    );
    await producer.send({ topic: next.topic, messages, acks: -1 });
    partitions.announced(quiet, quietAt);
  });
  return async () => {
    await stop();
    await producer.disconnect();
  };
}
