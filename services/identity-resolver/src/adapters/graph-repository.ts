import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { Identifier, IdentifierType } from '../domain/identifiers/identifier.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';
import { emptyCounts } from '../domain/graph/plan-resolution.ts';
import type {
  GraphNeighbourhood,
  MergeRule,
  ResolutionPlan,
  TypeCounts,
} from '../domain/graph/plan-resolution.ts';
import { lockProfiles } from './identity-locks.ts';
import { hashIdentifier } from './suppression.ts';

/**
 * The profiles that own these identifiers and their identifier counts by type, read under
 * row locks on those profiles. Another writer may move an identifier (a merge) between the
 * first read and the lock, so it reads again until the owners are stable.
 */
export async function loadNeighbourhood(
  client: pg.ClientBase,
  identifiers: Identifier[],
): Promise<GraphNeighbourhood> {
  for (;;) {
    const owners = await ownersOf(client, identifiers);
    const profileIds = [...new Set(owners.values())];
    await lockProfiles(client, profileIds);
    const again = await ownersOf(client, identifiers);
    if (
      [...again].every(([key, owner]) => owners.get(key) === owner) &&
      again.size === owners.size
    ) {
      return {
        owners,
        counts: await countsOf(client, profileIds),
        doNotLink: await doNotLinkAmong(client, profileIds),
      };
    }
  }
}

async function ownersOf(
  client: pg.ClientBase,
  identifiers: Identifier[],
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ type: string; value: string; profile_id: string }>(
    `SELECT i.type, i.value, i.profile_id FROM identities i
       JOIN unnest($1::text[], $2::text[]) AS w(type, value) USING (type, value)`,
    [identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
  );
  return new Map(rows.map((row) => [`${row.type}:${row.value}`, row.profile_id]));
}

async function countsOf(
  client: pg.ClientBase,
  profileIds: string[],
): Promise<Map<string, TypeCounts>> {
  const counts = new Map(profileIds.map((id) => [id, emptyCounts()]));
  if (profileIds.length === 0) return counts;
  const { rows } = await client.query<{ profile_id: string; type: IdentifierType; n: number }>(
    `SELECT profile_id, type, count(*)::int AS n FROM identities
      WHERE profile_id = ANY($1::uuid[]) GROUP BY profile_id, type`,
    [profileIds],
  );
  for (const row of rows) counts.get(row.profile_id)![row.type] = row.n;
  return counts;
}

/** Pairs of these profiles that a do-not-link rule keeps apart; one profile cannot merge. */
async function doNotLinkAmong(
  client: pg.ClientBase,
  profileIds: string[],
): Promise<[string, string][]> {
  if (profileIds.length < 2) return [];
  const { rows } = await client.query<{ a: string; b: string }>(
    `SELECT DISTINCT ia.profile_id AS a, ib.profile_id AS b
       FROM identities ia
       JOIN do_not_link_rules r ON r.a_type = ia.type AND r.a_value = ia.value
       JOIN identities ib ON ib.type = r.b_type AND ib.value = r.b_value
      WHERE ia.profile_id = ANY($1::uuid[]) AND ib.profile_id = ANY($1::uuid[])
        AND ia.profile_id <> ib.profile_id`,
    [profileIds],
  );
  return rows.map(({ a, b }) => [a, b]);
}

export interface PlanContext {
  eventId: string;
  /** Event time: first-seen time of new identifiers. */
  at: string;
  /** Why the identifiers of this event belong together, for edges and the audit log. */
  reason: string;
}

/** Carries out a plan: creates or merges profiles, attaches identifiers, records edges and audit. */
export async function applyPlan(
  client: pg.ClientBase,
  plan: ResolutionPlan,
  context: PlanContext,
): Promise<string> {
  const target = plan.target ?? (await createProfile(client));
  for (const absorbed of plan.absorbed)
    await mergeProfile(client, absorbed, target, context.reason);
  if (plan.attached.length > 0) {
    await client.query(
      `INSERT INTO identities (type, value, profile_id, first_seen_at)
       SELECT type, value, $3, $4 FROM unnest($1::text[], $2::text[]) AS n(type, value)`,
      [plan.attached.map((i) => i.type), plan.attached.map((i) => i.value), target, context.at],
    );
  }
  await addEdges(client, target, plan.kept, context);
  for (const dropped of plan.dropped) {
    if (dropped.blockedProfile === undefined) continue;
    await recordBlockedMerge(
      client,
      target,
      dropped.blockedProfile,
      dropped.identifier,
      dropped.rule,
      context.reason,
    );
  }
  return target;
}

async function createProfile(client: pg.ClientBase): Promise<string> {
  const id = uuidv7();
  await client.query('INSERT INTO profiles (id) VALUES ($1)', [id]);
  return id;
}

/** Moves everything of `from` onto `into` and deletes `from`; consent keeps the newest per purpose. */
async function mergeProfile(
  client: pg.ClientBase,
  from: string,
  into: string,
  reason: string,
): Promise<void> {
  for (const table of ['identities', 'identity_edges', 'events']) {
    await client.query(`UPDATE ${table} SET profile_id = $2 WHERE profile_id = $1`, [from, into]);
  }
  await client.query(
    `INSERT INTO consents (profile_id, purpose, granted, source, updated_at)
     SELECT $2, purpose, granted, source, updated_at FROM consents WHERE profile_id = $1
     ON CONFLICT (profile_id, purpose) DO UPDATE
       SET granted = excluded.granted, source = excluded.source, updated_at = excluded.updated_at
       WHERE excluded.updated_at > consents.updated_at`,
    [from, into],
  );
  await client.query('DELETE FROM consents WHERE profile_id = $1', [from]);
  await client.query('DELETE FROM profiles WHERE id = $1', [from]);
  await client.query(
    `INSERT INTO audit_log (action, profile_id, other_profile_id, reason) VALUES ('merge', $1, $2, $3)`,
    [into, from, reason],
  );
}

// A star from the strongest identifier: enough edges to keep the component connected.
async function addEdges(
  client: pg.ClientBase,
  profileId: string,
  kept: Identifier[],
  context: PlanContext,
) {
  const [anchor, ...others] = kept;
  if (anchor === undefined || others.length === 0) return;
  const pairs = others.map((other) =>
    identifierKey(anchor) < identifierKey(other) ? [anchor, other] : [other, anchor],
  );
  await client.query(
    `INSERT INTO identity_edges (profile_id, a_type, a_value, b_type, b_value, reason, event_id)
     SELECT $1, a_type, a_value, b_type, b_value, $6, $7
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS e(a_type, a_value, b_type, b_value)
     ON CONFLICT DO NOTHING`,
    [
      profileId,
      pairs.map(([a]) => a!.type),
      pairs.map(([a]) => a!.value),
      pairs.map(([, b]) => b!.type),
      pairs.map(([, b]) => b!.value),
      context.reason,
      context.eventId,
    ],
  );
}

const whyBlocked = (rule: MergeRule): string =>
  rule === 'do_not_link'
    ? 'merging would undo a split (do-not-link rule)'
    : `merging would exceed the ${rule} limit`;

async function recordBlockedMerge(
  client: pg.ClientBase,
  profileId: string,
  blocked: string,
  identifier: Identifier,
  rule: MergeRule,
  reason: string,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (action, profile_id, other_profile_id, reason, details)
     VALUES ('merge_blocked', $1, $2, $3, $4)`,
    [
      profileId,
      blocked,
      `${reason}: ${whyBlocked(rule)}`,
      {
        rule,
        identifierType: identifier.type,
        identifierSha256: hashIdentifier(identifier).toString('hex'),
      },
    ],
  );
  await client.query(
    `INSERT INTO identifier_conflicts (type, value, blocked_merges, profiles_involved)
     VALUES ($1, $2, 1, ARRAY[$3::uuid, $4::uuid])
     ON CONFLICT (type, value) DO UPDATE SET
       blocked_merges = identifier_conflicts.blocked_merges + 1,
       last_at = now(),
       profiles_involved = (SELECT array_agg(DISTINCT p) FROM unnest(identifier_conflicts.profiles_involved || excluded.profiles_involved) AS p)`,
    [identifier.type, identifier.value, profileId, blocked],
  );
}
