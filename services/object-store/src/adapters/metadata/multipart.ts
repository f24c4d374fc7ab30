import type pg from 'pg';
import { withTransaction } from '@scale-models/postgres';
import type { Segment } from '../../domain/object-version.ts';
import { S3Error } from '../../domain/s3-error.ts';
import { noSuchBucket } from './buckets.ts';
import { commitInTransaction } from './object-versions.ts';
import type { Committed, NewObjectVersion } from './object-versions.ts';
import { insertSegment } from './segments.ts';

export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  contentType: string | undefined;
  userMetadata: Record<string, string>;
  initiatedAt: Date;
}

export interface UploadedPart {
  partNumber: number;
  size: number;
  etag: string;
  checksums: Record<string, string>;
  segmentId: string | undefined;
  lastModified: Date;
}

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  content_type: string | null;
  user_metadata: Record<string, string>;
  initiated_at: Date;
}

interface PartRow {
  part_number: number;
  size: string;
  etag: string;
  checksums: Record<string, string>;
  segment_id: string | null;
  last_modified: Date;
}

const toUpload = (row: UploadRow): MultipartUpload => ({
  uploadId: row.upload_id,
  bucket: row.bucket,
  key: row.key,
  contentType: row.content_type ?? undefined,
  userMetadata: row.user_metadata,
  initiatedAt: row.initiated_at,
});

const toPart = (row: PartRow): UploadedPart => ({
  partNumber: row.part_number,
  size: Number(row.size),
  etag: row.etag,
  checksums: row.checksums,
  segmentId: row.segment_id ?? undefined,
  lastModified: row.last_modified,
});

export async function createUpload(pool: pg.Pool, upload: Omit<MultipartUpload, 'initiatedAt'>) {
  const { rowCount } = await pool.query(
    `INSERT INTO multipart_uploads (upload_id, bucket, key, content_type, user_metadata)
     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM buckets WHERE name = $2)`,
    [upload.uploadId, upload.bucket, upload.key, upload.contentType ?? null, upload.userMetadata],
  );
  if (rowCount === 0) throw noSuchBucket(upload.bucket);
}

export async function findUpload(
  db: pg.Pool | pg.ClientBase,
  bucket: string,
  key: string,
  uploadId: string,
  lock: '' | 'FOR SHARE' | 'FOR UPDATE' = '',
): Promise<MultipartUpload> {
  const { rows } = await db.query<UploadRow>(
    `SELECT * FROM multipart_uploads WHERE upload_id = $1 AND bucket = $2 AND key = $3 ${lock}`,
    [uploadId, bucket, key],
  );
  if (rows[0] === undefined) throw noSuchUpload(uploadId);
  return toUpload(rows[0]);
}

export interface NewPart {
  partNumber: number;
  size: number;
  etag: string;
  checksums: Record<string, string>;
  /** Absent for an empty part. */
  segment: Segment | undefined;
}

/** Stores a part; one uploaded again under the same number replaces the earlier one. */
export async function putPart(
  pool: pg.Pool,
  target: { bucket: string; key: string; uploadId: string },
  part: NewPart,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    // FOR SHARE: completion and abort (FOR UPDATE) wait for parts in flight, and vice versa.
    await findUpload(client, target.bucket, target.key, target.uploadId, 'FOR SHARE');
    if (part.segment !== undefined) await insertSegment(client, part.segment);
    await client.query(
      `INSERT INTO multipart_parts (upload_id, part_number, size, etag, checksums, segment_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (upload_id, part_number) DO UPDATE
         SET size = excluded.size, etag = excluded.etag, checksums = excluded.checksums,
             segment_id = excluded.segment_id, last_modified = now()`,
      [
        target.uploadId,
        part.partNumber,
        part.size,
        part.etag,
        part.checksums,
        part.segment?.id ?? null,
      ],
    );
  });
}

export async function listParts(
  pool: pg.Pool,
  uploadId: string,
  afterPartNumber: number,
  limit: number,
): Promise<UploadedPart[]> {
  const { rows } = await pool.query<PartRow>(
    `SELECT * FROM multipart_parts WHERE upload_id = $1 AND part_number > $2
     ORDER BY part_number LIMIT $3`,
    [uploadId, afterPartNumber, limit],
  );
  return rows.map(toPart);
}

/**
 * Completes an upload in one transaction: the upload is locked, `assemble` checks the
 * requested parts against the stored ones and returns the new version, the upload and its
 * parts rows go, and the version commits referencing the parts' segments.
 */
export async function completeUpload(
  pool: pg.Pool,
  target: { bucket: string; key: string; uploadId: string },
  assemble: (upload: MultipartUpload, parts: UploadedPart[]) => NewObjectVersion,
): Promise<Committed & { version: NewObjectVersion }> {
  return withTransaction(pool, async (client) => {
    const upload = await findUpload(
      client,
      target.bucket,
      target.key,
      target.uploadId,
      'FOR UPDATE',
    );
    const { rows } = await client.query<PartRow>(
      'SELECT * FROM multipart_parts WHERE upload_id = $1 ORDER BY part_number',
      [target.uploadId],
    );
    const version = assemble(upload, rows.map(toPart));
    await client.query('DELETE FROM multipart_uploads WHERE upload_id = $1', [target.uploadId]);
    const committed = await commitInTransaction(client, version, {
      event: 'ObjectCreated:CompleteMultipartUpload',
    });
    return { ...committed, version };
  });
}

/** Drops the upload and its parts; their segments become garbage for the cleaner. */
export async function abortUpload(
  pool: pg.Pool,
  target: { bucket: string; key: string; uploadId: string },
): Promise<void> {
  const { rowCount } = await pool.query(
    'DELETE FROM multipart_uploads WHERE upload_id = $1 AND bucket = $2 AND key = $3',
    [target.uploadId, target.bucket, target.key],
  );
  if (rowCount === 0) throw noSuchUpload(target.uploadId);
}

function noSuchUpload(uploadId: string): S3Error {
  return new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { fields: { UploadId: uploadId } },
  );
}
