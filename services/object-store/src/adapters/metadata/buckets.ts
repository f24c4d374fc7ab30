import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import { S3Error } from '../../domain/s3-error.ts';
import type { Versioning } from '../../domain/object-version.ts';

export interface Bucket {
  name: string;
  owner: string;
  versioning: Versioning;
  createdAt: Date;
}

interface BucketRow {
  name: string;
  owner: string;
  versioning: Versioning;
  created_at: Date;
}

const toBucket = (row: BucketRow): Bucket => ({
  name: row.name,
  owner: row.owner,
  versioning: row.versioning,
  createdAt: row.created_at,
});

export async function createBucket(pool: pg.Pool, name: string, owner: string): Promise<void> {
  const { rows } = await pool.query<{ owner: string; inserted: boolean }>(
    `INSERT INTO buckets (name, owner) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET name = excluded.name
     RETURNING owner, (xmax = 0) AS inserted`,
    [name, owner],
  );
  const row = rows[0];
  if (row === undefined || row.inserted) return;
  throw row.owner === owner
    ? new S3Error('BucketAlreadyOwnedByYou', 'You already own this bucket.', { resource: name })
    : new S3Error('BucketAlreadyExists', 'The bucket name is taken by another account.', {
        resource: name,
      });
}

export async function findBucket(db: pg.Pool | pg.ClientBase, name: string): Promise<Bucket> {
  const { rows } = await db.query<BucketRow>('SELECT * FROM buckets WHERE name = $1', [name]);
  const row = rows[0];
  if (row === undefined) throw noSuchBucket(name);
  return toBucket(row);
}

export async function listBuckets(pool: pg.Pool): Promise<Bucket[]> {
  const { rows } = await pool.query<BucketRow>('SELECT * FROM buckets ORDER BY name');
  return rows.map(toBucket);
}

/** Deletes an empty bucket: no object version, delete marker or multipart upload left. */
export async function deleteBucket(pool: pg.Pool, name: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM buckets WHERE name = $1 FOR UPDATE', [
      name,
    ]);
    if (rowCount === 0) throw noSuchBucket(name);
    const { rows } = await client.query<{ busy: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM object_versions WHERE bucket = $1)
           OR EXISTS (SELECT 1 FROM multipart_uploads WHERE bucket = $1) AS busy`,
      [name],
    );
    if (rows[0]?.busy === true) {
      throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty.', {
        resource: name,
      });
    }
    await client.query('DELETE FROM buckets WHERE name = $1', [name]);
  });
}

/** Versioning can be enabled or suspended, never turned back to unversioned (as in S3). */
export async function setVersioning(
  pool: pg.Pool,
  name: string,
  status: 'enabled' | 'suspended',
): Promise<void> {
  const { rowCount } = await pool.query('UPDATE buckets SET versioning = $2 WHERE name = $1', [
    name,
    status,
  ]);
  if (rowCount === 0) throw noSuchBucket(name);
}

export function noSuchBucket(name: string): S3Error {
  return new S3Error('NoSuchBucket', 'The specified bucket does not exist.', {
    resource: name,
    fields: { BucketName: name },
  });
}
