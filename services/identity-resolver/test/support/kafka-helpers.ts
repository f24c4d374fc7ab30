import type { Kafka } from 'kafkajs';

/** How many messages a topic holds: the sum of its partitions' high watermarks. */
export async function messagesIn(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, { high }) => sum + Number(high), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface RawRecord {
  key: string | null;
  value: string | null;
}

/** Every record of a topic from the beginning, read by a throw-away consumer group. */
export async function readAll(kafka: Kafka, topic: string, groupId: string): Promise<RawRecord[]> {
  const expected = await messagesIn(kafka, topic);
  const records: RawRecord[] = [];
  if (expected === 0) return records;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: ({ message }) => {
          records.push({
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
          });
          if (records.length >= expected) resolve();
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return records;
}
