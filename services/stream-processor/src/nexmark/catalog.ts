import { createCatalog } from '../sql/catalog.ts';
import type { Catalog, SourceSchema } from '../sql/catalog.ts';

/** The topic the Nexmark generator writes all three kinds of event to. */
export const NEXMARK_TOPIC = 'stream-processor.nexmark.event.v1';

/** The persons table: each person also on a compacted topic keyed by person id. */
export const NEXMARK_PERSONS_TOPIC = 'stream-processor.nexmark.person.v1';

export interface NexmarkTopics {
  events: string;
  persons: string;
}

const person: SourceSchema['columns'] = {
  id: 'number',
  name: 'string',
  emailAddress: 'string',
  creditCard: 'string',
  city: 'string',
  state: 'string',
  dateTime: 'number',
  extra: 'string',
};
const ofType = (type: string) => (raw: Record<string, unknown>) => raw.type === type;

/**
 * `bid`, `auction`, `person` streams on the event topic and the `persons` table on its own
 * topic, as Flink's Nexmark names them. The table topic is keyed by person id and partitioned
 * like the event topic, so a join repartitions auctions by seller to meet their seller's row.
 */
export function nexmarkCatalog(topics: Partial<NexmarkTopics> = {}): Catalog {
  const topic = topics.events ?? NEXMARK_TOPIC;
  return createCatalog([
    {
      name: 'bid',
      kind: 'stream',
      topic,
      timestamp: 'dateTime',
      key: 'auction',
      accepts: ofType('bid'),
      columns: {
        auction: 'number',
        bidder: 'number',
        price: 'number',
        channel: 'string',
        url: 'string',
        dateTime: 'number',
        extra: 'string',
      },
    },
    {
      name: 'auction',
      kind: 'stream',
      topic,
      timestamp: 'dateTime',
      key: 'id',
      accepts: ofType('auction'),
      columns: {
        id: 'number',
        itemName: 'string',
        description: 'string',
        initialBid: 'number',
        reserve: 'number',
        dateTime: 'number',
        expires: 'number',
        seller: 'number',
        category: 'number',
        extra: 'string',
      },
    },
    {
      name: 'person',
      kind: 'stream',
      topic,
      timestamp: 'dateTime',
      key: 'id',
      accepts: ofType('person'),
      columns: person,
    },
    {
      name: 'persons',
      kind: 'table',
      topic: topics.persons ?? NEXMARK_PERSONS_TOPIC,
      timestamp: 'dateTime',
      key: 'id',
      columns: person,
    },
  ]);
}
