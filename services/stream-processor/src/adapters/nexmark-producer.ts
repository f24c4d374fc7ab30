import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicSpec } from '@scale-models/kafka';
import { Partitioners } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import type { NexmarkTopics } from '../nexmark/catalog.ts';
import { nexmarkEvent } from '../nexmark/generator.ts';
import type { GeneratorOptions } from '../nexmark/generator.ts';
import { nexmarkMessages } from '../nexmark/messages.ts';
import type { NexmarkMessage } from '../nexmark/messages.ts';

export interface NexmarkProduceOptions extends GeneratorOptions {
  topics: NexmarkTopics;
  count: number;
  /** Events per second of wall time; 0 sends as fast as the broker takes them. */
  rate: number;
  batchSize?: number;
}

/** The event topic and the persons table's compacted topic, co-partitioned (same count). */
export function nexmarkTopicSpecs(topics: NexmarkTopics, partitions: number): TopicSpec[] {
  return [
    { topic: topics.events, partitions },
    { topic: topics.persons, partitions, config: { 'cleanup.policy': 'compact' } },
  ];
}

/**
 * Writes the Nexmark stream into Kafka, one JSON event per message keyed by its auction (bids,
 * auctions) or person id, each person also on the persons table's topic, in batches paced to
 * `rate`. The default partitioner (murmur2, as Kafka's Java clients) puts person id k in the
 * partition where a repartition keyed by k puts the auctions of seller k.
 */
export async function produceNexmark(
  kafka: Kafka,
  options: NexmarkProduceOptions,
): Promise<number> {
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const batchSize = options.batchSize ?? 1_000;
  const started = Date.now();
  try {
    for (let first = 0; first < options.count; first += batchSize) {
      const last = Math.min(first + batchSize, options.count);
      const messages = [];
      for (let id = first; id < last; id += 1) {
        messages.push(...nexmarkMessages(nexmarkEvent(id, options), options.topics));
      }
      await producer.sendBatch({ topicMessages: byTopic(messages), acks: -1 });
      if (options.rate > 0) {
        const due = started + (last * 1_000) / options.rate;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
  } finally {
    await producer.disconnect();
  }
  return Date.now() - started;
}

function byTopic(messages: NexmarkMessage[]) {
  const topics = new Map<string, { key: string; value: string }[]>();
  for (const { topic, key, value } of messages) {
    const list = topics.get(topic) ?? [];
    list.push({ key, value });
    topics.set(topic, list);
  }
  return [...topics].map(([topic, topicMessages]) => ({ topic, messages: topicMessages }));
}
