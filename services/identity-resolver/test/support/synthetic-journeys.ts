import type { ReceivedEvent } from '../../src/domain/tracking/tracking-message.ts';

/**
 * Customer journeys with fixed ids and times: anonymous browsing, a login with email, an
 * order, all keyed to different partitions (anonymous id, then user id). No two people share
 * an identifier, so the final graph does not depend on the order partitions are applied in.
 */
export function syntheticJourneys(people: number): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  const at = (person: number, step: number) =>
    new Date(base + person * 60_000 + step * 1_000).toISOString();
  for (let p = 0; p < people; p++) {
    const common = { source: 'web', receivedAt: at(p, 9) };
    events.push(
      {
        ...common,
        type: 'page',
        messageId: `j-${p}-1`,
        anonymousId: `device-${p}`,
        name: 'Home',
        timestamp: at(p, 0),
      },
      {
        ...common,
        type: 'track',
        messageId: `j-${p}-2`,
        anonymousId: `device-${p}`,
        event: 'Product Viewed',
        timestamp: at(p, 1),
      },
      {
        ...common,
        type: 'identify',
        messageId: `j-${p}-3`,
        anonymousId: `device-${p}`,
        userId: `customer-${p}`,
        traits: { email: `Customer.${p}@Example.com`, plan: p % 2 === 0 ? 'pro' : 'free' },
        timestamp: at(p, 2),
      },
      {
        ...common,
        type: 'track',
        messageId: `j-${p}-4`,
        userId: `customer-${p}`,
        event: 'Order Completed',
        properties: { revenue: 10 + p, currency: 'USD' },
        timestamp: at(p, 3),
      },
    );
  }
  return events;
}
