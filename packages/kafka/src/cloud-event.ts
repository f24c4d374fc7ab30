import { v7 as uuidv7 } from 'uuid';
import { InputError } from '@scale-models/errors';

/**
 * A CloudEvents 1.0 event in structured JSON mode: the whole envelope is the Kafka message
 * value. `id` is unique per source, so consumers dedupe on (source, id).
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface NewCloudEvent<T> {
  /** Reverse-DNS style event type, e.g. `scale-models.orders.order.created.v1`. */
  type: string;
  /** The producing miniature or process, e.g. `/commerce/orders`. */
  source: string;
  /** The entity the event is about; usually also the Kafka key. */
  subject?: string;
  data: T;
  /** Defaults to a fresh UUIDv7; pass one to make retries of the same fact carry the same id. */
  id?: string;
  time?: Date;
}

export function createCloudEvent<T>(event: NewCloudEvent<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: event.id ?? uuidv7(),
    source: event.source,
    type: event.type,
    ...(event.subject === undefined ? {} : { subject: event.subject }),
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  };
}

export function serializeCloudEvent(event: CloudEvent): Buffer {
  return Buffer.from(JSON.stringify(event));
}

const REQUIRED = ['id', 'source', 'type', 'time'] as const;

/** Parses a message value into an envelope, checking the attributes CloudEvents requires. */
export function parseCloudEvent(value: Buffer | string | null): CloudEvent {
  if (value === null) throw new InputError('event.empty', 'message has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch (cause) {
    throw new InputError('event.malformed_json', 'message value is not JSON', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new InputError('event.not_an_object', 'message value is not a JSON object');
  }
  const envelope = parsed as Record<string, unknown>;
  if (envelope.specversion !== '1.0') {
    throw new InputError('event.unsupported_specversion', 'specversion must be "1.0"');
  }
  for (const attribute of REQUIRED) {
    if (typeof envelope[attribute] !== 'string' || envelope[attribute] === '') {
      throw new InputError(
        'event.missing_attribute',
        `CloudEvents attribute ${attribute} is missing`,
        {
          details: { attribute },
        },
      );
    }
  }
  return parsed as CloudEvent;
}
