import { createKafka, ensureTopics, runConsumer } from '@scale-models/kafka';
import { kafka as kafkaServer, uniqueName } from '@scale-models/testkit';
import type { Kafka, Producer } from 'kafkajs';
import { pushConsumerOptions } from '../../src/adapters/push-consumer.ts';
import type { Harness } from './harness.ts';

export interface PushPipeline {
  kafka: Kafka;
  /** The push topic, of its own per test file. */
  topic: string;
  producer: Producer;
  stop(): Promise<void>;
}

/** The store's Kafka push consumer on a fresh topic, and a producer to feed it. */
export async function startPushPipeline(store: Harness['store']): Promise<PushPipeline> {
  const topic = `feature-store.${uniqueName('push')}.pushed.v1`;
  const kafka = createKafka({
    brokers: (await kafkaServer()).brokers,
    clientId: 'feature-store-test',
  });
  await ensureTopics(kafka, [{ topic, partitions: 1 }]);
  const producer = kafka.producer();
  await producer.connect();
  const consumer = await runConsumer({
    ...pushConsumerOptions(kafka, store.push, { groupId: uniqueName('push'), topic }),
    retry: { attempts: 1, backoffMs: 10 },
  });
  return {
    kafka,
    topic,
    producer,
    async stop() {
      await consumer.stop();
      await producer.disconnect();
    },
  };
}
