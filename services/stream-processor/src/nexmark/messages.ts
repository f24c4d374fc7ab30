import type { BoundedInput } from '../domain/run-bounded.ts';
import { NEXMARK_PERSONS_TOPIC, NEXMARK_TOPIC } from './catalog.ts';
import type { NexmarkTopics } from './catalog.ts';
import type { NexmarkEvent } from './model.ts';

export interface NexmarkMessage {
  topic: string;
  key: string;
  value: string;
}

/**
 * Where the generator writes one event: every event on the event topic, keyed by its auction
 * (bids) or its own id; a person also on the persons table's topic, keyed by person id (a
 * compacted topic: the latest row per person).
 */
export function nexmarkMessages(event: NexmarkEvent, topics: NexmarkTopics): NexmarkMessage[] {
  const value = JSON.stringify(event);
  const onEvents = {
    topic: topics.events,
    key: String(event.type === 'bid' ? event.auction : event.id),
    value,
  };
  if (event.type !== 'person') return [onEvents];
  return [{ topic: topics.persons, key: String(event.id), value }, onEvents];
}

/**
 * The same messages as the inputs of one in-process task (`runBounded`, the engine benchmark),
 * in generation order: a person's table row comes before any auction that could name it.
 */
export function nexmarkBoundedInputs(
  events: Iterable<NexmarkEvent>,
  topics: NexmarkTopics = { events: NEXMARK_TOPIC, persons: NEXMARK_PERSONS_TOPIC },
): BoundedInput[] {
  return [...events].flatMap((event) =>
    nexmarkMessages(event, topics).map(({ topic, key, value }) => ({
      source: 'p0',
      key,
      value: Buffer.from(value),
      ...(topic === topics.persons && { table: topic }),
    })),
  );
}
