import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError } from '@scale-models/errors';
import { withTransaction } from '@scale-models/postgres';
import type { Identifier } from '../domain/identifiers/identifier.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';
import { compareStrength, doNotLinkRules, planSplit } from '../domain/graph/plan-split.ts';
import type { SplitPart } from '../domain/graph/plan-split.ts';
import { lockPeople } from './lock-people.ts';
import type { LockedPeople } from './lock-people.ts';
import { lockProfiles } from './identity-locks.ts';
import { computeState, queueProjection, saveState } from './profile-state.ts';
import type { ResolverSettings } from './resolve-event.ts';
import { updateMemberships } from './segment-membership.ts';
import { hashIdentifier } from './suppression.ts';

export interface SplitRequest {
  /** The identifier whose evidence is removed. */
  identifier: Identifier;
  /** Remove only the edge to this identifier; without it, every edge of `identifier`. */
  from?: Identifier;
  reason: string;
}

export interface SplitResult {
  /** Whether the profile fell into several. */
  split: boolean;
  removedEdges: number;
  /** The profiles the identifiers are in now (the first keeps the old id), with their identifiers. */
  profiles: { profileId: string; identities: string[] }[];
}

/**
 * Undoes wrong evidence: removes edges, recomputes the connected components of the profile
 * and gives every part but the first a profile of its own, with its identifiers, edges and
 * events (an event goes with its strongest identifier), recomputed traits and segments, an
 * audit entry with the reason, do-not-link rules so later events cannot merge the parts again,
 * and the projection queued. Repeating a split changes nothing.
 */
export async function splitProfile(
  pool: pg.Pool,
  settings: ResolverSettings,
  request: SplitRequest,
): Promise<SplitResult & { touched: string[] }> {
  return withTransaction(pool, (client) => splitInTransaction(client, settings, request), {
    retries: 3,
  });
}

async function splitInTransaction(
  client: pg.ClientBase,
  settings: ResolverSettings,
  request: SplitRequest,
): Promise<SplitResult & { touched: string[] }> {
  const named =
    request.from === undefined ? [request.identifier] : [request.identifier, request.from];
  const people = await lockPeople(client, named);
  const owners = named.map((identifier) => people.owners.get(identifierKey(identifier)));
  if (owners.some((owner) => owner === undefined))
    throw new NotFoundError('profile.not_found', 'No profile has this identifier.');
  const profileId = owners[0]!;
  await lockProfiles(client, [...new Set(owners as string[])]);
  // Already apart (a repeated split): nothing to remove.
  if (owners.some((owner) => owner !== profileId)) return unchanged(people, owners as string[]);
  const removedEdges = await removeEdges(client, profileId, request);
  if (removedEdges === 0) {
    if (request.from !== undefined)
      throw new ConflictError(
        'split.not_directly_linked',
        'These identifiers are linked only through others: remove one of the edges between them (see the audit).',
      );
    return unchanged(people, owners as string[]);
  }
  const members = people.identities.filter(
    (i) => people.owners.get(identifierKey(i)) === profileId,
  );
  const parts = planSplit(members, await edgesOf(client, profileId));
  const profiles = [{ profileId, part: parts[0]! }];
  for (const part of parts.slice(1))
    profiles.push({ profileId: await moveToNewProfile(client, profileId, part), part });
  await recordDoNotLinkRules(client, parts, request.reason);
  await audit(
    client,
    request,
    profileId,
    profiles.slice(1).map((p) => p.profileId),
    removedEdges,
  );
  const touched = profiles.map((p) => p.profileId);
  for (const id of touched) await refresh(client, settings, id);
  await queueProjection(client, touched);
  return {
    split: parts.length > 1,
    removedEdges,
    profiles: profiles.map(({ profileId: id, part }) => ({
      profileId: id,
      identities: part.identifiers.map(identifierKey),
    })),
    touched,
  };
}

/** The profiles as they are, ordered as a split orders its parts (so a repeat answers alike). */
function unchanged(people: LockedPeople, profileIds: string[]) {
  const profiles = [...new Set(profileIds)].map((profileId) => ({
    profileId,
    identifiers: people.identities
      .filter((i) => people.owners.get(identifierKey(i)) === profileId)
      .sort(compareStrength),
  }));
  profiles.sort((a, b) => compareStrength(a.identifiers[0]!, b.identifiers[0]!));
  return {
    split: false,
    removedEdges: 0,
    profiles: profiles.map(({ profileId, identifiers }) => ({
      profileId,
      identities: identifiers.map(identifierKey),
    })),
    touched: [],
  };
}

async function removeEdges(
  client: pg.ClientBase,
  profileId: string,
  { identifier, from }: SplitRequest,
): Promise<number> {
  const x = identifierKey(identifier);
  const y = from === undefined ? null : identifierKey(from);
  const { rowCount } = await client.query(
    `DELETE FROM identity_edges WHERE profile_id = $1 AND (
        (a_type || ':' || a_value = $2 AND ($3::text IS NULL OR b_type || ':' || b_value = $3))
     OR (b_type || ':' || b_value = $2 AND ($3::text IS NULL OR a_type || ':' || a_value = $3)))`,
    [profileId, x, y],
  );
  return rowCount ?? 0;
}

async function edgesOf(client: pg.ClientBase, profileId: string): Promise<[string, string][]> {
  const { rows } = await client.query<{ a: string; b: string }>(
    `SELECT a_type || ':' || a_value AS a, b_type || ':' || b_value AS b
       FROM identity_edges WHERE profile_id = $1`,
    [profileId],
  );
  return rows.map(({ a, b }) => [a, b]);
}

/**
 * A new profile for one part: its identifiers, the edges among them and the events whose
 * strongest identifier (the first kept) is in it. Consent decisions carry no evidence of whose
 * they were, so the new profile inherits only the refusals: nobody is activated on a grant that
 * may have been someone else's.
 */
async function moveToNewProfile(
  client: pg.ClientBase,
  from: string,
  part: SplitPart,
): Promise<string> {
  const id = uuidv7();
  const keys = part.identifiers.map(identifierKey);
  await client.query('INSERT INTO profiles (id) VALUES ($1)', [id]);
  await client.query(
    `UPDATE identities SET profile_id = $2 WHERE profile_id = $1 AND type || ':' || value = ANY($3::text[])`,
    [from, id, keys],
  );
  await client.query(
    `UPDATE identity_edges SET profile_id = $2 WHERE profile_id = $1 AND a_type || ':' || a_value = ANY($3::text[])`,
    [from, id, keys],
  );
  await client.query(
    'UPDATE events SET profile_id = $2 WHERE profile_id = $1 AND identifier_keys[1] = ANY($3::text[])',
    [from, id, keys],
  );
  await client.query(
    `INSERT INTO consents (profile_id, purpose, granted, source, updated_at)
     SELECT $2, purpose, granted, source, updated_at FROM consents WHERE profile_id = $1 AND NOT granted`,
    [from, id],
  );
  return id;
}

async function recordDoNotLinkRules(
  client: pg.ClientBase,
  parts: SplitPart[],
  reason: string,
): Promise<void> {
  const rules = doNotLinkRules(parts);
  if (rules.length === 0) return;
  await client.query(
    `INSERT INTO do_not_link_rules (a_type, a_value, b_type, b_value, reason)
     SELECT a_type, a_value, b_type, b_value, $5
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(a_type, a_value, b_type, b_value)
     ON CONFLICT DO NOTHING`,
    [
      rules.map(([a]) => a.type),
      rules.map(([a]) => a.value),
      rules.map(([, b]) => b.type),
      rules.map(([, b]) => b.value),
      reason,
    ],
  );
}

async function audit(
  client: pg.ClientBase,
  request: SplitRequest,
  profileId: string,
  newProfiles: string[],
  removedEdges: number,
): Promise<void> {
  const details = {
    identifierType: request.identifier.type,
    identifierSha256: hashIdentifier(request.identifier).toString('hex'),
    removedEdges,
  };
  if (newProfiles.length === 0) {
    await client.query(
      `INSERT INTO audit_log (action, profile_id, reason, details) VALUES ('unlink', $1, $2, $3)`,
      [profileId, request.reason, details],
    );
  }
  for (const other of newProfiles) {
    await client.query(
      `INSERT INTO audit_log (action, profile_id, other_profile_id, reason, details)
       VALUES ('split', $1, $2, $3, $4)`,
      [profileId, other, request.reason, details],
    );
  }
}

/** Traits and computed traits from the profile's own events now, and its segments. */
async function refresh(client: pg.ClientBase, settings: ResolverSettings, profileId: string) {
  const state = await computeState(client, profileId, settings.traitRules);
  await saveState(client, profileId, state);
  await updateMemberships(client, settings.contracts, profileId, state);
}
