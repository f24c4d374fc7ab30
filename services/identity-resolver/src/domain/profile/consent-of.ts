import type { ReceivedEvent } from '../tracking/tracking-message.ts';

/**
 * Consent by purpose carried by an event, in Segment's consent format:
 * `context.consent.categoryPreferences: { Advertising: true, Analytics: false }`.
 */
export function consentOf(event: Pick<ReceivedEvent, 'context'>): Record<string, boolean> {
  const consent = event.context?.consent;
  if (typeof consent !== 'object' || consent === null) return {};
  const preferences = (consent as Record<string, unknown>).categoryPreferences;
  if (typeof preferences !== 'object' || preferences === null) return {};
  return Object.fromEntries(
    Object.entries(preferences).filter(
      (entry): entry is [string, boolean] => typeof entry[1] === 'boolean',
    ),
  );
}
