import type pg from 'pg';
import type { Identifier } from '../domain/identifiers/identifier.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';

/**
 * Transaction-scoped advisory locks on identifiers, always taken in sorted order (no
 * deadlock between two events). An event and an erasure touching the same person therefore
 * run one after the other: an event that waited sees the suppression the erasure committed.
 */
export async function lockIdentifiers(
  client: pg.ClientBase,
  identifiers: Identifier[],
): Promise<void> {
  const keys = [...new Set(identifiers.map(identifierKey))].sort();
  if (keys.length === 0) return;
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('identity-resolver.identifier:' || key, 0))
       FROM unnest($1::text[]) AS key ORDER BY key`,
    [keys],
  );
}

/** Row locks on the profiles an event will change, so their limits are checked on fresh counts. */
export async function lockProfiles(client: pg.ClientBase, profileIds: string[]): Promise<void> {
  if (profileIds.length === 0) return;
  await client.query('SELECT id FROM profiles WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [
    profileIds,
  ]);
}
