import { Partitioners } from 'kafkajs';
import type { Kafka, Producer, RecordMetadata } from 'kafkajs';
import { createEventMessage } from './create-event-message.ts';
import type { EventInput } from './create-event-message.ts';
import type { CloudEvent } from './cloud-event.ts';
import type { EventContract } from './event-contract.ts';

export interface ProducerOptions {
  /** CloudEvents `source` of everything this producer publishes, e.g. `/commerce/orders`. */
  source: string;
}

export interface Published<T> {
  envelope: CloudEvent<T>;
  partition: number;
  offset: string;
}

export interface EventProducer {
  connect(): Promise<void>;
  /** Validates, wraps in CloudEvents and sends; resolves once the broker has the event. */
  publish<T>(contract: EventContract<T>, input: EventInput<T>): Promise<Published<T>>;
  disconnect(): Promise<void>;
  /** The underlying kafkajs producer, for raw sends (tests, relays of pre-serialized values). */
  readonly raw: Producer;
}

/**
 * An idempotent producer: the broker drops retried duplicates, and one request in flight
 * keeps each partition in send order even across retries.
 */
export function createProducer(kafka: Kafka, { source }: ProducerOptions): EventProducer {
  const raw = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connecting: Promise<void> | undefined;
  const connect = (): Promise<void> => (connecting ??= raw.connect());
  return {
    raw,
    connect,
    async publish(contract, input) {
      const { topic, message, envelope } = createEventMessage(contract, source, input);
      await connect();
      const [metadata] = await raw.send({ topic, messages: [message], acks: -1 });
      return { envelope, ...positionOf(metadata) };
    },
    async disconnect() {
      if (connecting === undefined) return;
      connecting = undefined;
      await raw.disconnect();
    },
  };
}

function positionOf(metadata: RecordMetadata | undefined): { partition: number; offset: string } {
  return { partition: metadata?.partition ?? -1, offset: metadata?.baseOffset ?? '-1' };
}
