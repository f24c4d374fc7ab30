import { nexmarkCatalog } from './nexmark/catalog.ts';
import type { NexmarkTopics } from './nexmark/catalog.ts';
import { createCatalog } from './sql/catalog.ts';
import type { Catalog } from './sql/catalog.ts';

/** The demo's click stream: what the dashboard and the tour query. */
export const CLICKS_TOPIC = 'stream-processor.click.recorded.v1';

/** Streams and tables the SQL front end knows: the click stream and Nexmark's. */
export function serviceCatalog(
  topics: { clicks?: string; nexmark?: Partial<NexmarkTopics> } = {},
): Catalog {
  const clicks = createCatalog([
    {
      name: 'clicks',
      kind: 'stream',
      topic: topics.clicks ?? CLICKS_TOPIC,
      timestamp: 'ts',
      key: 'user',
      columns: {
        user: 'string',
        page: 'string',
        country: 'string',
        amount: 'number',
        ts: 'number',
      },
    },
  ]);
  return new Map([...clicks, ...nexmarkCatalog(topics.nexmark)]);
}
