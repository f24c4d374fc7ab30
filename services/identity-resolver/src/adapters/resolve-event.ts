import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '@scale-models/postgres';
import type { Contracts } from '../contracts.ts';
import type { Identifier, MergeLimits } from '../domain/identifiers/identifier.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';
import { planResolution } from '../domain/graph/plan-resolution.ts';
import { consentOf } from '../domain/profile/consent-of.ts';
import { orderValueOf } from '../domain/profile/money-of.ts';
import type { TraitRules } from '../domain/profile/resolve-traits.ts';
import {
  extractIdentifiers,
  matchedRecordsOf,
  profileTraitsOf,
} from '../domain/tracking/extract-identifiers.ts';
import type { ReceivedEvent } from '../domain/tracking/tracking-message.ts';
import { applyPlan, loadNeighbourhood } from './graph-repository.ts';
import { lockIdentifiers } from './identity-locks.ts';
import { computeState, queueProjection, saveState } from './profile-state.ts';
import { leaveSegments, updateMemberships } from './segment-membership.ts';
import { anySuppressed } from './suppression.ts';

export interface ResolverSettings {
  limits: MergeLimits;
  traitRules: TraitRules;
  defaultCountry: string;
  contracts: Contracts;
}

export type ResolveOutcome =
  | { status: 'resolved'; profileId: string; touched: string[]; dropped: Identifier[] }
  | { status: 'duplicate' | 'suppressed' | 'no_identifiers' };

/**
 * Applies one event to the identity graph in one transaction: dedupe on (source, messageId),
 * suppression check, stitching under the merge limits, the event row, consent, recomputed
 * state, segment changes (outbox) and the projection queue. Either all of it commits or none,
 * so a redelivered event, or one replayed after a crash, finds its messageId and changes nothing.
 */
export async function resolveEvent(
  pool: pg.Pool,
  settings: ResolverSettings,
  event: ReceivedEvent,
): Promise<ResolveOutcome> {
  const identifiers = extractIdentifiers(event, settings.defaultCountry);
  // Deadlocks are possible with an erasure that discovered more identifiers; the whole
  // transaction has no effect outside PostgreSQL, so running it again is safe.
  return withTransaction(
    pool,
    (client) => resolveInTransaction(client, settings, event, identifiers),
    { retries: 3 },
  );
}

async function resolveInTransaction(
  client: pg.ClientBase,
  settings: ResolverSettings,
  event: ReceivedEvent,
  identifiers: Identifier[],
): Promise<ResolveOutcome> {
  if (identifiers.length === 0) return { status: 'no_identifiers' };
  await lockIdentifiers(client, identifiers);
  if (await isDuplicate(client, event)) return { status: 'duplicate' };
  // One erased identifier is enough: the event is that person's, and must not rebuild them.
  if (await anySuppressed(client, identifiers)) return { status: 'suppressed' };
  const graph = await loadNeighbourhood(client, identifiers);
  const plan = planResolution(identifiers, graph, settings.limits);
  const eventId = uuidv7();
  for (const absorbed of plan.absorbed)
    await leaveSegments(client, settings.contracts, absorbed, 'all');
  const profileId = await applyPlan(client, plan, {
    eventId,
    at: event.timestamp,
    reason: reasonOf(event),
  });
  await insertEvent(client, eventId, profileId, event, plan.kept);
  await recordConsent(client, profileId, event);
  const state = await computeState(client, profileId, settings.traitRules);
  await saveState(client, profileId, state);
  await updateMemberships(client, settings.contracts, profileId, state);
  const touched = [profileId, ...plan.absorbed];
  await queueProjection(client, touched);
  return { status: 'resolved', profileId, touched, dropped: plan.dropped.map((d) => d.identifier) };
}

function reasonOf(event: ReceivedEvent): string {
  const matched = matchedRecordsOf(event);
  if (matched.length > 0) {
    const best = Math.max(...matched.map((m) => m.probability));
    return `probabilistic match of CRM records (p=${best.toFixed(4)}), message ${event.messageId}`;
  }
  return `seen together in ${event.type} ${event.messageId} from ${event.source}`;
}

async function isDuplicate(client: pg.ClientBase, event: ReceivedEvent): Promise<boolean> {
  const { rowCount } = await client.query(
    'SELECT 1 FROM events WHERE source = $1 AND message_id = $2',
    [event.source, event.messageId],
  );
  return (rowCount ?? 0) > 0;
}

async function insertEvent(
  client: pg.ClientBase,
  eventId: string,
  profileId: string,
  event: ReceivedEvent,
  kept: Identifier[],
): Promise<void> {
  const order =
    event.type === 'track' && event.event === 'Order Completed'
      ? orderValueOf(event.properties)
      : undefined;
  await client.query(
    `INSERT INTO events (id, source, message_id, profile_id, type, name, occurred_at, received_at,
                         traits, properties, identifier_keys, value_minor, currency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      eventId,
      event.source,
      event.messageId,
      profileId,
      event.type,
      event.event ?? event.name ?? null,
      event.timestamp,
      event.receivedAt,
      profileTraitsOf(event) ?? null,
      event.properties ?? null,
      kept.map(identifierKey),
      order?.minor ?? null,
      order?.currency ?? null,
    ],
  );
}

/** Consent from the event, unless the profile already has a newer decision for that purpose. */
export async function recordConsent(
  client: pg.ClientBase,
  profileId: string,
  event: Pick<ReceivedEvent, 'context' | 'source' | 'timestamp'>,
): Promise<void> {
  const consent = consentOf(event);
  const purposes = Object.keys(consent);
  if (purposes.length === 0) return;
  await client.query(
    `INSERT INTO consents (profile_id, purpose, granted, source, updated_at)
     SELECT $1, purpose, granted, $4, $5 FROM unnest($2::text[], $3::boolean[]) AS c(purpose, granted)
     ON CONFLICT (profile_id, purpose) DO UPDATE
       SET granted = excluded.granted, source = excluded.source, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= consents.updated_at`,
    [profileId, purposes, purposes.map((p) => consent[p]), event.source, event.timestamp],
  );
}
