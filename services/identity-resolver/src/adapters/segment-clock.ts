import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import type { Contracts } from '../contracts.ts';
import type { ProfileState } from './profile-state.ts';
import { queueProjection } from './profile-state.ts';
import type { Projector } from './projector.ts';
import { updateMemberships } from './segment-membership.ts';

export interface SegmentClock {
  /** Re-evaluates every profile whose window expiry is due; returns how many. */
  tick(): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export interface SegmentClockOptions {
  pool: pg.Pool;
  contracts: Contracts;
  projector: Projector;
  onError?: (error: unknown) => void;
}

const BATCH = 200;

/**
 * Makes windowed segments exit (and `lte` ones enter) when time passes, not only at the
 * profile's next event: polls the due-time index and re-evaluates each due profile in a
 * transaction of its own, which publishes the changes through the outbox and schedules the
 * next expiry. Several clocks (resolver replicas) may run: each re-checks under the profile's
 * row lock that the row is still due, so a profile is re-evaluated once per expiry.
 */
export function createSegmentClock(options: SegmentClockOptions): SegmentClock {
  const { pool, contracts, projector } = options;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> | undefined;

  async function reevaluate(profileId: string): Promise<boolean> {
    return withTransaction(
      pool,
      async (client) => {
        // The profile row first, as an event's transaction takes it: no lock-order deadlock.
        const { rows } = await client.query<{ state: ProfileState }>(
          `SELECT p.state FROM profiles p JOIN segment_reevaluations r ON r.profile_id = p.id
            WHERE p.id = $1 AND r.due_at <= now() FOR UPDATE OF p`,
          [profileId],
        );
        if (rows[0] === undefined) return false; // merged away, erased, or rescheduled meanwhile
        await updateMemberships(client, contracts, profileId, rows[0].state);
        await queueProjection(client, [profileId]);
        return true;
      },
      { retries: 3 },
    );
  }

  async function tick(): Promise<number> {
    const { rows } = await pool.query<{ profile_id: string }>(
      'SELECT profile_id FROM segment_reevaluations WHERE due_at <= now() ORDER BY due_at LIMIT $1',
      [BATCH],
    );
    const changed: string[] = [];
    for (const { profile_id } of rows) if (await reevaluate(profile_id)) changed.push(profile_id);
    await projector.project(changed);
    return changed.length;
  }

  return {
    tick,
    start(intervalMs) {
      const onError =
        options.onError ?? ((error: unknown) => console.error('segment clock tick failed', error));
      timer = setInterval(() => {
        ticking ??= tick()
          .catch(onError)
          .finally(() => (ticking = undefined));
      }, intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await ticking;
    },
  };
}
