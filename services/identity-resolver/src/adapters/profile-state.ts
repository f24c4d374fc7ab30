import type pg from 'pg';
import { resolveTraits } from '../domain/profile/resolve-traits.ts';
import type { ResolvedTrait, TraitRules } from '../domain/profile/resolve-traits.ts';

/** What the resolver computes for a profile at each change, kept in `profiles.state`. */
export interface ProfileState {
  traits: Record<string, ResolvedTrait>;
  computed: ComputedTraits;
}

export type ComputedTraits = {
  eventCount: number;
  /** Null for a profile without events: an identifier a split left on its own. */
  firstSeen: string | null;
  lastSeen: string | null;
  orderCount: number;
  /** Lifetime order value per currency, integer minor units. */
  lifetimeValueMinor: Record<string, number>;
};

/** Recomputes traits (by the conflict rules) and computed traits from the profile's events. */
export async function computeState(
  client: pg.ClientBase,
  profileId: string,
  rules: TraitRules,
): Promise<ProfileState> {
  const observations = await client.query<{
    source: string;
    message_id: string;
    occurred_at: Date;
    traits: Record<string, unknown>;
  }>(
    'SELECT source, message_id, occurred_at, traits FROM events WHERE profile_id = $1 AND traits IS NOT NULL',
    [profileId],
  );
  const traits = resolveTraits(
    observations.rows.map((row) => ({
      traits: row.traits,
      source: row.source,
      at: row.occurred_at.toISOString(),
      messageId: row.message_id,
    })),
    rules,
  );
  return { traits, computed: await computedTraits(client, profileId) };
}

async function computedTraits(client: pg.ClientBase, profileId: string): Promise<ComputedTraits> {
  const { rows } = await client.query<{
    event_count: number;
    first_seen: Date | null;
    last_seen: Date | null;
    order_count: number;
    ltv: Record<string, string> | null;
  }>(
    `SELECT count(*)::int AS event_count, min(occurred_at) AS first_seen, max(occurred_at) AS last_seen,
            count(value_minor)::int AS order_count,
            (SELECT jsonb_object_agg(currency, total) FROM (
               SELECT currency, sum(value_minor) AS total FROM events
                WHERE profile_id = $1 AND value_minor IS NOT NULL GROUP BY currency) t) AS ltv
       FROM events WHERE profile_id = $1`,
    [profileId],
  );
  const row = rows[0]!;
  return {
    eventCount: row.event_count,
    firstSeen: row.first_seen?.toISOString() ?? null,
    lastSeen: row.last_seen?.toISOString() ?? null,
    orderCount: row.order_count,
    lifetimeValueMinor: Object.fromEntries(
      Object.entries(row.ltv ?? {}).map(([currency, total]) => [currency, Number(total)]),
    ),
  };
}

export async function saveState(
  client: pg.ClientBase,
  profileId: string,
  state: ProfileState,
): Promise<void> {
  await client.query(
    'UPDATE profiles SET state = $2, updated_at = clock_timestamp() WHERE id = $1',
    [profileId, state],
  );
}

/** Marks profiles for the projector (Redis view, compacted snapshot), inside the changing transaction. */
export async function queueProjection(client: pg.ClientBase, profileIds: string[]): Promise<void> {
  await client.query(
    `INSERT INTO projection_queue (profile_id) SELECT unnest($1::uuid[])
     ON CONFLICT (profile_id) DO UPDATE SET queued_at = clock_timestamp()`,
    [profileIds],
  );
}
