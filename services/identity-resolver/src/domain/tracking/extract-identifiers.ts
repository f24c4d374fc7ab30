import type { Identifier, IdentifierType } from '../identifiers/identifier.ts';
import { priorityOf } from '../identifiers/identifier.ts';
import { normalizeIdentifier } from '../identifiers/normalize-identifier.ts';
import type { ReceivedEvent } from './tracking-message.ts';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

function traitsOf(event: ReceivedEvent): Record<string, unknown> {
  const contextTraits = event.context?.traits;
  const fromContext =
    typeof contextTraits === 'object' && contextTraits !== null
      ? (contextTraits as Record<string, unknown>)
      : {};
  return { ...fromContext, ...event.traits };
}

/**
 * The normalized identifiers an event carries, strongest first, each once. Emails and phones
 * that do not parse are left out rather than stored as junk nodes.
 */
export function extractIdentifiers(event: ReceivedEvent, defaultCountry: string): Identifier[] {
  const traits = traitsOf(event);
  const raw: [IdentifierType, string | undefined][] = [
    ['user_id', event.userId],
    ['anonymous_id', event.anonymousId],
    // Alias links an earlier id (usually the anonymous one) to the user id.
    ['anonymous_id', event.type === 'alias' ? event.previousId : undefined],
    ['email', text(traits.email)],
    ['phone', text(traits.phone)],
    ['crm_id', text(traits.crm_id)],
    ...matchedRecordsOf(event).map(({ recordId }): [IdentifierType, string] => [
      'crm_id',
      recordId,
    ]),
  ];
  const found = new Map<string, Identifier>();
  for (const [type, value] of raw) {
    if (value === undefined) continue;
    const identifier = normalizeIdentifier(type, value, defaultCountry);
    if (identifier !== undefined) found.set(`${identifier.type}:${identifier.value}`, identifier);
  }
  return [...found.values()].sort(
    (a, b) => priorityOf(a.type) - priorityOf(b.type) || a.value.localeCompare(b.value),
  );
}

/** The identify traits of an event (context.traits under the call's own), without identifiers. */
export function profileTraitsOf(event: ReceivedEvent): Record<string, unknown> | undefined {
  if (event.type !== 'identify') return undefined;
  return traitsOf(event);
}

export interface MatchedRecord {
  recordId: string;
  probability: number;
}

/** Records a CRM import matched probabilistically with this one (set by the import, not clients). */
export function matchedRecordsOf(event: ReceivedEvent): MatchedRecord[] {
  if (event.source !== CRM_IMPORT_SOURCE) return [];
  const matched = event.context?.matchedRecords;
  return Array.isArray(matched) ? (matched as MatchedRecord[]) : [];
}

/** The source name of events made by the CRM import; no write key maps to it. */
export const CRM_IMPORT_SOURCE = 'crm-import';
