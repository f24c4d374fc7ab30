import type { Producer } from 'kafkajs';
import { createEventMessage } from '@scale-models/kafka';
import type { Contracts } from '../contracts.ts';
import type { ReceivedEvent } from '../domain/tracking/tracking-message.ts';

const SOURCE = '/identity-resolver/ingest';

/** The Kafka key: the strongest identifier the client sent, so one user's calls stay in order. */
export const keyOf = (event: ReceivedEvent): string =>
  event.userId !== undefined
    ? `user_id:${event.userId}`
    : `anonymous_id:${event.anonymousId ?? event.messageId}`;

/** Writes accepted calls to the event topic in one request; resolves once the broker has all of them. */
export async function publishEvents(
  producer: Producer,
  contracts: Contracts,
  events: ReceivedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await producer.send({
    topic: contracts.eventReceived.topic,
    acks: -1,
    messages: events.map(
      (event) =>
        createEventMessage(contracts.eventReceived, SOURCE, {
          key: keyOf(event),
          event,
          id: `${event.source}:${event.messageId}`,
        }).message,
    ),
  });
}
