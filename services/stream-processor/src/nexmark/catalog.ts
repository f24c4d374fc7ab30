import { createCatalog } from '../sql/catalog.ts';
import type { Catalog, SourceSchema } from '../sql/catalog.ts';

/** The one topic the Nexmark generator writes all three kinds of event to. */
export const NEXMARK_TOPIC = 'stream-processor.nexmark.event.v1';

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

/** `bid`, `auction`, `person` streams and the `persons` table, as Flink's Nexmark names them. */
export function nexmarkCatalog(topic = NEXMARK_TOPIC): Catalog {
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
      topic,
      timestamp: 'dateTime',
      key: 'id',
      accepts: ofType('person'),
      columns: person,
    },
  ]);
}
