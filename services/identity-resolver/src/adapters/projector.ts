import type pg from 'pg';
import type { Producer } from 'kafkajs';
import { createEventMessage } from '@scale-models/kafka';
import type { Contracts } from '../contracts.ts';
import type { ProfileCache } from './profile-cache.ts';
import { readProfileView } from './profile-view.ts';

export interface Projector {
  /** Rewrites these profiles' Redis views and snapshots from PostgreSQL (or removes them). */
  project(profileIds: string[]): Promise<void>;
  /** Projects whatever is still queued (left by a crash between commit and projection). */
  sweep(): Promise<number>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export interface ProjectorOptions {
  pool: pg.Pool;
  cache: ProfileCache;
  /** A connected idempotent producer. */
  producer: Producer;
  contracts: Contracts;
  onError?: (error: unknown) => void;
}

const SOURCE = '/identity-resolver/profiles';

/**
 * Keeps the read side (Redis views, the compacted snapshot topic) in line with PostgreSQL.
 * Always rebuilt from the database, never from the event, so projecting twice is harmless and
 * a profile that no longer exists (merged away, erased) becomes a removal and a tombstone.
 */
export function createProjector(options: ProjectorOptions): Projector {
  const { pool, cache, producer, contracts } = options;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;

  async function projectOne(profileId: string): Promise<void> {
    const { rows } = await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    const readAt = rows[0]!.now;
    const view = await readProfileView(pool, profileId);
    if (view === undefined) await cache.remove(profileId);
    else await cache.write(view);
    await producer.send({
      topic: contracts.profileSnapshot.topic,
      acks: -1,
      messages: [
        view === undefined
          ? { key: profileId, value: null } // tombstone: compaction drops every snapshot of it
          : createEventMessage(contracts.profileSnapshot, SOURCE, {
              key: profileId,
              event: {
                profileId,
                identities: view.identities.map(({ type, value }) => ({ type, value })),
                traits: view.traits,
                computed: view.computed,
                updatedAt: view.updatedAt,
              },
            }).message,
      ],
    });
    // A change queued after we read stays queued for the next pass.
    await pool.query('DELETE FROM projection_queue WHERE profile_id = $1 AND queued_at <= $2', [
      profileId,
      readAt,
    ]);
  }

  async function sweep(): Promise<number> {
    const { rows } = await pool.query<{ profile_id: string }>(
      'SELECT profile_id FROM projection_queue ORDER BY queued_at LIMIT 500',
    );
    for (const row of rows) await projectOne(row.profile_id);
    return rows.length;
  }

  return {
    project: async (profileIds) => {
      for (const id of new Set(profileIds)) await projectOne(id);
    },
    sweep,
    start(intervalMs) {
      const onError =
        options.onError ?? ((error: unknown) => console.error('projection sweep failed', error));
      timer = setInterval(() => {
        // One sweep at a time: a slow one is not overlapped by the next tick.
        sweeping ??= sweep()
          .catch(onError)
          .finally(() => (sweeping = undefined));
      }, intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
