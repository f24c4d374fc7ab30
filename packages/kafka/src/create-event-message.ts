import type { Message } from 'kafkajs';
import { createCloudEvent, serializeCloudEvent } from './cloud-event.ts';
import type { CloudEvent } from './cloud-event.ts';
import type { EventContract } from './event-contract.ts';

export interface EventInput<T> {
  /** Entity id: the Kafka key (so one entity's events stay in order) and the CloudEvents subject. */
  key: string;
  event: T;
  headers?: Record<string, string>;
  /** Pass a stable id when retrying the same fact, so consumers can dedupe. */
  id?: string;
  time?: Date;
}

export interface EventMessage<T> {
  topic: string;
  message: Message;
  envelope: CloudEvent<T>;
}

/** CloudEvents Kafka binding, structured mode: the whole envelope is the value. */
const CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/**
 * Validates `event` against the contract (throwing InputError before anything is sent) and
 * wraps it in a CloudEvents envelope, ready for a producer or a transaction.
 */
export function createEventMessage<T>(
  contract: EventContract<T>,
  source: string,
  { key, event, headers = {}, id, time }: EventInput<T>,
): EventMessage<T> {
  const data = contract.validate(event);
  const envelope = createCloudEvent({
    type: contract.type,
    source,
    subject: key,
    data,
    ...(id === undefined ? {} : { id }),
    ...(time === undefined ? {} : { time }),
  });
  return {
    topic: contract.topic,
    message: {
      key,
      value: serializeCloudEvent(envelope),
      headers: { ...headers, 'content-type': CONTENT_TYPE },
    },
    envelope,
  };
}
