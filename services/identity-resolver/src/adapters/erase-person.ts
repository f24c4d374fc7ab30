import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '@scale-models/postgres';
import type { Contracts } from '../contracts.ts';
import type { Identifier } from '../domain/identifiers/identifier.ts';
import { lockPeople } from './lock-people.ts';
import { queueProjection } from './profile-state.ts';
import { leaveSegments } from './segment-membership.ts';
import { hashIdentifier, suppress } from './suppression.ts';

export interface ErasureReceipt {
  erasureId: string;
  profiles: number;
  identities: number;
  events: number;
  records: number;
  /** Profiles to project: their Redis views go and their snapshots get tombstones. */
  profileIds: string[];
}

/**
 * GDPR erasure of the person an identifier belongs to: their profile, identities, edges,
 * events, consent, imported CRM records and the do-not-link rules naming them are deleted;
 * every identifier is suppressed (as a hash) so events still in flight or sent later cannot
 * rebuild them. The identifiers are locked
 * like an event locks them, and the set is read again under the locks until it stops growing,
 * so an event racing with the erasure either ran before (and is erased) or after (and is dropped).
 */
export async function erasePerson(
  pool: pg.Pool,
  contracts: Contracts,
  identifier: Identifier,
): Promise<ErasureReceipt> {
  return withTransaction(pool, (client) => eraseInTransaction(client, contracts, identifier), {
    retries: 3,
  });
}

async function eraseInTransaction(
  client: pg.ClientBase,
  contracts: Contracts,
  identifier: Identifier,
): Promise<ErasureReceipt> {
  const erasureId = uuidv7();
  const { identities, profileIds } = await lockPeople(client, [identifier]);
  await suppress(client, identities, erasureId);
  const counts = await deleteEverything(client, contracts, profileIds, identities);
  await client.query(
    `INSERT INTO erasures (id, identifier_hash, profiles, identities, events, records) VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      erasureId,
      hashIdentifier(identifier),
      profileIds.length,
      identities.length,
      counts.events,
      counts.records,
    ],
  );
  await client.query(
    `INSERT INTO audit_log (action, reason, details) VALUES ('erase', 'GDPR erasure request', $1)`,
    [
      {
        erasureId,
        identifierType: identifier.type,
        profiles: profileIds.length,
        identities: identities.length,
      },
    ],
  );
  await queueProjection(client, profileIds);
  return {
    erasureId,
    profiles: profileIds.length,
    identities: identities.length,
    ...counts,
    profileIds,
  };
}

async function deleteEverything(
  client: pg.ClientBase,
  contracts: Contracts,
  profileIds: string[],
  identities: Identifier[],
) {
  for (const profileId of profileIds) await leaveSegments(client, contracts, profileId, 'all');
  const crmIds = identities.filter((i) => i.type === 'crm_id').map((i) => i.value);
  const records = await client.query('DELETE FROM match_records WHERE id = ANY($1::text[])', [
    crmIds,
  ]);
  const types = identities.map((i) => i.type);
  const values = identities.map((i) => i.value);
  await client.query(
    `DELETE FROM identifier_conflicts c USING unnest($1::text[], $2::text[]) AS w(type, value)
      WHERE c.type = w.type AND c.value = w.value`,
    [types, values],
  );
  // A split's rules name the person's identifiers: they go with them.
  await client.query(
    `DELETE FROM do_not_link_rules r USING unnest($1::text[], $2::text[]) AS w(type, value)
      WHERE (r.a_type = w.type AND r.a_value = w.value) OR (r.b_type = w.type AND r.b_value = w.value)`,
    [types, values],
  );
  // The audit keeps that merges happened, not with whom: the other side's id is dropped.
  await client.query(
    `UPDATE audit_log SET other_profile_id = NULL WHERE other_profile_id = ANY($1::uuid[])`,
    [profileIds],
  );
  const events = await client.query('DELETE FROM events WHERE profile_id = ANY($1::uuid[])', [
    profileIds,
  ]);
  for (const table of ['identity_edges', 'identities', 'consents']) {
    await client.query(`DELETE FROM ${table} WHERE profile_id = ANY($1::uuid[])`, [profileIds]);
  }
  await client.query('DELETE FROM profiles WHERE id = ANY($1::uuid[])', [profileIds]);
  return { events: events.rowCount ?? 0, records: records.rowCount ?? 0 };
}
