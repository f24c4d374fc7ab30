import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { ServiceError } from '@scale-models/errors';
import { ensureTopics } from './ensure-topics.ts';

/** Header names a dead-lettered message carries, besides its original headers. */
export const DEAD_LETTER_HEADERS = {
  errorMessage: 'dlq.error.message',
  errorCode: 'dlq.error.code',
  errorName: 'dlq.error.name',
  attempts: 'dlq.attempts',
  topic: 'dlq.original.topic',
  partition: 'dlq.original.partition',
  offset: 'dlq.original.offset',
  groupId: 'dlq.consumer.group',
  failedAt: 'dlq.failed.at',
} as const;

export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Creates `<topic>.dlq` beside each topic, with as many partitions so keys spread alike. */
export async function ensureDeadLetterTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let metadata;
  try {
    metadata = await admin.fetchTopicMetadata({ topics });
  } finally {
    await admin.disconnect();
  }
  await ensureTopics(
    kafka,
    metadata.topics.map(({ name, partitions }) => ({
      topic: deadLetterTopicOf(name),
      partitions: partitions.length,
    })),
  );
}

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: unknown;
  attempts: number;
  groupId: string;
}

/** Sends the original key, value and headers to `<topic>.dlq`, with the failure attached. */
export async function sendToDeadLetterTopic(producer: Producer, letter: DeadLetter): Promise<void> {
  const { topic, message } = letter;
  await producer.send({
    topic: deadLetterTopicOf(topic),
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: { ...message.headers, ...failureHeaders(letter) },
      },
    ],
  });
}

function failureHeaders({
  topic,
  partition,
  message,
  error,
  attempts,
  groupId,
}: DeadLetter): IHeaders {
  const name = error instanceof Error ? error.name : typeof error;
  return {
    [DEAD_LETTER_HEADERS.errorMessage]: error instanceof Error ? error.message : String(error),
    [DEAD_LETTER_HEADERS.errorCode]: error instanceof ServiceError ? error.code : name,
    [DEAD_LETTER_HEADERS.errorName]: name,
    [DEAD_LETTER_HEADERS.attempts]: String(attempts),
    [DEAD_LETTER_HEADERS.topic]: topic,
    [DEAD_LETTER_HEADERS.partition]: String(partition),
    [DEAD_LETTER_HEADERS.offset]: message.offset,
    [DEAD_LETTER_HEADERS.groupId]: groupId,
    [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
  };
}
