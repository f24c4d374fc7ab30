import type { Kafka } from 'kafkajs';
import { planPurge } from '../domain/purge-plan.ts';
import { repeatEvery } from './repeat-every.ts';

/** Kafka Streams' default `repartition.purge.interval.ms`. */
export const DEFAULT_REPARTITION_PURGE_INTERVAL_MS = 30_000;

export interface RepartitionPurgerOptions {
  kafka: Kafka;
  /** The repartition topic a stage reads. */
  topic: string;
  /** That stage's consumer group, whose committed offsets say what is consumed for good. */
  groupId: string;
  intervalMs: number;
}

/**
 * Deletes the records of a repartition topic below what its stage has committed, as Kafka
 * Streams does (`repartition.purge.interval.ms`): unlike the input, the topic is the engine's
 * own scratch space, and without this it grows forever. The offsets are committed inside the
 * stage's transactions, so what lies below them is consumed exactly once already; a fetch that
 * lags the last transaction only purges less. Runs at an interval, not after every commit:
 * each round is three admin requests, and records kept a little longer cost only disk.
 */
export async function startRepartitionPurger(
  options: RepartitionPurgerOptions,
): Promise<() => Promise<void>> {
  const { kafka, topic, groupId } = options;
  const admin = kafka.admin();
  await admin.connect();
  const stop = repeatEvery(options.intervalMs, async () => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const earliest = await admin.fetchTopicOffsets(topic);
    const purge = planPurge(
      committed?.partitions ?? [],
      earliest.map(({ partition, low }) => ({ partition, offset: low })),
    );
    if (purge.length > 0) await admin.deleteTopicRecords({ topic, partitions: purge });
  });
  return async () => {
    await stop();
    await admin.disconnect();
  };
}
