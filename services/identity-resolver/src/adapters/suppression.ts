import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Identifier } from '../domain/identifiers/identifier.ts';
import { identifierKey } from '../domain/identifiers/identifier.ts';

/** SHA-256 of `type:value`: what is kept of an erased identifier, enough to recognise it. */
export const hashIdentifier = (identifier: Identifier): Buffer =>
  createHash('sha256').update(identifierKey(identifier)).digest();

/** Whether any of these identifiers was erased. */
export async function anySuppressed(
  client: pg.ClientBase,
  identifiers: Identifier[],
): Promise<boolean> {
  if (identifiers.length === 0) return false;
  const { rowCount } = await client.query(
    'SELECT 1 FROM suppressed_identifiers WHERE identifier_hash = ANY($1::bytea[]) LIMIT 1',
    [identifiers.map(hashIdentifier)],
  );
  return (rowCount ?? 0) > 0;
}

export async function suppress(
  client: pg.ClientBase,
  identifiers: Identifier[],
  erasureId: string,
): Promise<void> {
  await client.query(
    `INSERT INTO suppressed_identifiers (identifier_hash, erasure_id)
     SELECT hash, $2 FROM unnest($1::bytea[]) AS hash ON CONFLICT DO NOTHING`,
    [identifiers.map(hashIdentifier), erasureId],
  );
}
