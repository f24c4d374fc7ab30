import type pg from 'pg';
import type { Identifier, IdentifierType } from '../domain/identifiers/identifier.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';
import { lockIdentifiers } from './identity-locks.ts';

export interface LockedPeople {
  /** Every identifier of the profiles found, and the requested ones that are in no profile. */
  identities: Identifier[];
  /** identifierKey → profile id, for identifiers in the graph. */
  owners: Map<string, string>;
  profileIds: string[];
}

/**
 * Locks these identifiers and every identifier of the profiles holding them, the way an event
 * locks its own, reading again under the locks until the set stops growing. A change to whole
 * profiles (an erasure, a split) and an event touching any of their identifiers then run one
 * after the other.
 */
export async function lockPeople(
  client: pg.ClientBase,
  identifiers: Identifier[],
): Promise<LockedPeople> {
  let identities = identifiers;
  let profileCount = 0;
  for (;;) {
    await lockIdentifiers(client, identities);
    const found = await profilesOf(client, identities);
    const profileIds = [...new Set(found.owners.values())].sort();
    const all = union(identities, found.identities);
    const grew = all.length > identities.length || profileIds.length > profileCount;
    identities = all;
    profileCount = profileIds.length;
    if (!grew) return { identities, owners: found.owners, profileIds };
  }
}

/** The profiles holding any of these identifiers, and all identifiers of those profiles. */
async function profilesOf(client: pg.ClientBase, identifiers: Identifier[]) {
  const { rows } = await client.query<{ type: IdentifierType; value: string; profile_id: string }>(
    `SELECT i.type, i.value, i.profile_id FROM identities i
      WHERE i.profile_id IN (SELECT profile_id FROM identities
                              JOIN unnest($1::text[], $2::text[]) AS w(type, value) USING (type, value))`,
    [identifiers.map((i) => i.type), identifiers.map((i) => i.value)],
  );
  return {
    identities: rows.map(({ type, value }) => ({ type, value })),
    owners: new Map(rows.map((row) => [`${row.type}:${row.value}`, row.profile_id])),
  };
}

function union(a: Identifier[], b: Identifier[]): Identifier[] {
  return [...new Map([...a, ...b].map((i) => [identifierKey(i), i])).values()];
}
