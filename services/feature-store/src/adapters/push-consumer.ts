import type { Kafka } from 'kafkajs';
import { ensureTopics } from '@scale-models/kafka';
import type { ConsumerOptions } from '@scale-models/kafka';
import { featureValuesPushed } from '../contracts.ts';
import type { PushRows } from '../serving/push-rows.ts';

export async function ensurePushTopic(
  kafka: Kafka,
  topic = featureValuesPushed.topic,
): Promise<void> {
  await ensureTopics(kafka, [{ topic, partitions: 3 }]);
}

/**
 * The push consumer: each event's rows go to online and/or offline. A malformed event or one
 * naming unknown features is an InputError and goes to the dead-letter topic; a replayed event
 * is harmless (online writes are newer-only; its offline rows are written once per event id).
 */
export function pushConsumerOptions(
  kafka: Kafka,
  push: PushRows,
  {
    groupId = 'feature-store.push',
    topic = featureValuesPushed.topic,
  }: { groupId?: string; topic?: string } = {},
): ConsumerOptions {
  return {
    kafka,
    groupId,
    topics: [topic],
    handle: async (message) => {
      const event = featureValuesPushed.decode(message.value);
      await push(event.data, Date.parse(event.time), event.id);
    },
  };
}
