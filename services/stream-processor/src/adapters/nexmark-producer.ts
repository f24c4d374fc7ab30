import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { nexmarkEvent } from '../nexmark/generator.ts';
import type { GeneratorOptions } from '../nexmark/generator.ts';

export interface NexmarkProduceOptions extends GeneratorOptions {
  topic: string;
  count: number;
  /** Events per second of wall time; 0 sends as fast as the broker takes them. */
  rate: number;
  batchSize?: number;
}

/**
 * Writes the Nexmark stream into Kafka, one JSON event per message keyed by its auction (bids,
 * auctions) or person id, in batches paced to `rate`.
 */
export async function produceNexmark(
  kafka: Kafka,
  options: NexmarkProduceOptions,
): Promise<number> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const batchSize = options.batchSize ?? 1_000;
  const started = Date.now();
  try {
    for (let first = 0; first < options.count; first += batchSize) {
      const messages = [];
      for (let id = first; id < Math.min(first + batchSize, options.count); id += 1) {
        const event = nexmarkEvent(id, options);
        const key = event.type === 'bid' ? event.auction : event.id;
        messages.push({ key: String(key), value: JSON.stringify(event) });
      }
      await producer.send({ topic: options.topic, messages, acks: -1 });
      if (options.rate > 0) {
        const due = started + ((first + messages.length) * 1_000) / options.rate;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
  } finally {
    await producer.disconnect();
  }
  return Date.now() - started;
}
