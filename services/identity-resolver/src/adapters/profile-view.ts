import type pg from 'pg';
import type { ProfileState } from './profile-state.ts';

/** A profile as lookups return it: what the Redis cache holds and the snapshot topic carries. */
export interface ProfileView extends ProfileState {
  profileId: string;
  identities: { type: string; value: string; firstSeen: string }[];
  consent: Record<string, { granted: boolean; source: string; at: string }>;
  segments: string[];
  timeline: { type: string; name: string | null; at: string; source: string }[];
  createdAt: string;
  updatedAt: string;
}

const TIMELINE_LENGTH = 25;

/** Reads a profile's view from PostgreSQL, the source of truth; undefined once merged away or erased. */
export async function readProfileView(
  db: pg.Pool | pg.ClientBase,
  profileId: string,
): Promise<ProfileView | undefined> {
  const { rows } = await db.query<{ state: ProfileState; created_at: Date; updated_at: Date }>(
    'SELECT state, created_at, updated_at FROM profiles WHERE id = $1',
    [profileId],
  );
  const profile = rows[0];
  if (profile === undefined) return undefined;
  const [identities, consents, segments, timeline] = await Promise.all([
    db.query<{ type: string; value: string; first_seen_at: Date }>(
      'SELECT type, value, first_seen_at FROM identities WHERE profile_id = $1 ORDER BY type, value',
      [profileId],
    ),
    db.query<{ purpose: string; granted: boolean; source: string; updated_at: Date }>(
      'SELECT purpose, granted, source, updated_at FROM consents WHERE profile_id = $1 ORDER BY purpose',
      [profileId],
    ),
    db.query<{ segment_id: string }>(
      'SELECT segment_id FROM segment_members WHERE profile_id = $1 ORDER BY segment_id',
      [profileId],
    ),
    db.query<{ type: string; name: string | null; occurred_at: Date; source: string }>(
      `SELECT type, name, occurred_at, source FROM events WHERE profile_id = $1
        ORDER BY occurred_at DESC, id DESC LIMIT ${TIMELINE_LENGTH}`,
      [profileId],
    ),
  ]);
  return {
    profileId,
    identities: identities.rows.map((r) => ({
      type: r.type,
      value: r.value,
      firstSeen: r.first_seen_at.toISOString(),
    })),
    traits: profile.state.traits,
    computed: profile.state.computed,
    consent: Object.fromEntries(
      consents.rows.map((r) => [
        r.purpose,
        { granted: r.granted, source: r.source, at: r.updated_at.toISOString() },
      ]),
    ),
    segments: segments.rows.map((r) => r.segment_id),
    timeline: timeline.rows.map((r) => ({
      type: r.type,
      name: r.name,
      at: r.occurred_at.toISOString(),
      source: r.source,
    })),
    createdAt: profile.created_at.toISOString(),
    updatedAt: profile.updated_at.toISOString(),
  };
}
