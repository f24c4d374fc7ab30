import type pg from 'pg';
import { enqueueOutboxEvent } from '@scale-models/postgres';
import { evaluateRule, eventWindows, membershipChanges } from '../domain/segments/segment-rule.ts';
import type { SegmentRule } from '../domain/segments/segment-rule.ts';
import type { Contracts } from '../contracts.ts';
import type { ProfileState } from './profile-state.ts';

const SOURCE = '/identity-resolver/segments';

/**
 * Re-evaluates every segment for one profile inside the transaction that changed it (or that
 * the segment clock opened when a window expired), writes entered/exited events to the outbox
 * (they reach Kafka iff the change commits) and schedules the next window expiry.
 */
export async function updateMemberships(
  client: pg.ClientBase,
  contracts: Contracts,
  profileId: string,
  state: ProfileState,
): Promise<void> {
  const { rows: segments } = await client.query<{ id: string; rule: SegmentRule }>(
    'SELECT id, rule FROM segments',
  );
  const { counts, nextExpiry } = await eventCounts(
    client,
    profileId,
    segments.map((s) => s.rule),
  );
  await scheduleReevaluation(client, profileId, nextExpiry);
  const facts = {
    fields: { traits: valuesOf(state), computed: state.computed },
    eventCount: (event: string, withinDays: number) => counts.get(`${withinDays}:${event}`) ?? 0,
  };
  const after = new Set(
    segments.filter((segment) => evaluateRule(segment.rule, facts)).map((s) => s.id),
  );
  const before = await membershipsOf(client, profileId);
  const { entered, exited } = membershipChanges(before, after);
  for (const segmentId of entered) {
    await client.query('INSERT INTO segment_members (segment_id, profile_id) VALUES ($1, $2)', [
      segmentId,
      profileId,
    ]);
  }
  await leaveSegments(client, contracts, profileId, exited);
  for (const segmentId of entered)
    await publishChange(client, contracts, 'entered', segmentId, profileId);
}

/** Removes a profile from segments (exits, a merge absorbing it, an erasure), with exited events. */
export async function leaveSegments(
  client: pg.ClientBase,
  contracts: Contracts,
  profileId: string,
  segmentIds: string[] | 'all',
): Promise<void> {
  const ids =
    segmentIds === 'all' ? [...(await membershipsOf(client, profileId))].sort() : segmentIds;
  if (ids.length === 0) return;
  await client.query(
    'DELETE FROM segment_members WHERE profile_id = $1 AND segment_id = ANY($2::text[])',
    [profileId, ids],
  );
  for (const segmentId of ids)
    await publishChange(client, contracts, 'exited', segmentId, profileId);
}

async function membershipsOf(client: pg.ClientBase, profileId: string): Promise<Set<string>> {
  const { rows } = await client.query<{ segment_id: string }>(
    'SELECT segment_id FROM segment_members WHERE profile_id = $1',
    [profileId],
  );
  return new Set(rows.map((row) => row.segment_id));
}

interface WindowCounts {
  counts: Map<string, number>;
  /** When the oldest counted event first leaves its window: the counts change by themselves then. */
  nextExpiry: Date | null;
}

async function eventCounts(
  client: pg.ClientBase,
  profileId: string,
  rules: SegmentRule[],
): Promise<WindowCounts> {
  const windows = eventWindows(rules);
  if (windows.length === 0) return { counts: new Map(), nextExpiry: null };
  const { rows } = await client.query<{
    event: string;
    days: number;
    n: number;
    expires: Date | null;
  }>(
    `SELECT w.event, w.days, c.n, c.expires FROM unnest($2::text[], $3::int[]) AS w(event, days)
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS n, min(e.occurred_at) + make_interval(days => w.days) AS expires
           FROM events e
          WHERE e.profile_id = $1 AND e.name = w.event
            AND e.occurred_at > now() - make_interval(days => w.days)) c`,
    [profileId, windows.map((w) => w.event), windows.map((w) => w.withinDays)],
  );
  const expiries = rows.flatMap((row) => (row.expires === null ? [] : [row.expires.getTime()]));
  return {
    counts: new Map(rows.map((row) => [`${row.days}:${row.event}`, row.n])),
    nextExpiry: expiries.length === 0 ? null : new Date(Math.min(...expiries)),
  };
}

/**
 * The segment clock's due-time index: one row per profile whose windowed counts will change
 * without a new event, due when the first counted event leaves its window.
 */
async function scheduleReevaluation(
  client: pg.ClientBase,
  profileId: string,
  dueAt: Date | null,
): Promise<void> {
  if (dueAt === null) {
    await client.query('DELETE FROM segment_reevaluations WHERE profile_id = $1', [profileId]);
    return;
  }
  await client.query(
    `INSERT INTO segment_reevaluations (profile_id, due_at) VALUES ($1, $2)
     ON CONFLICT (profile_id) DO UPDATE SET due_at = excluded.due_at`,
    [profileId, dueAt],
  );
}

function valuesOf(state: ProfileState): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(state.traits).map(([name, trait]) => [name, trait.value]),
  );
}

async function publishChange(
  client: pg.ClientBase,
  contracts: Contracts,
  change: 'entered' | 'exited',
  segmentId: string,
  profileId: string,
): Promise<void> {
  const contract = change === 'entered' ? contracts.segmentEntered : contracts.segmentExited;
  await enqueueOutboxEvent(client, {
    topic: contract.topic,
    key: profileId,
    aggregateType: 'profile',
    type: contract.type,
    source: SOURCE,
    data: contract.validate({ segmentId, profileId, at: new Date().toISOString() }),
  });
}
