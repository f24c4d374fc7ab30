import type pg from 'pg';
import type { KeyScan, ObjectEntry, UploadEntry, VersionEntry } from '../../domain/s3/index.ts';

/** Rows fetched per round trip; a listing page of 1000 takes a handful. */
const BATCH = 250;

interface ListedRow {
  key: string;
  size: string;
  etag: string | null;
  last_modified: Date;
  version_id: string;
  is_latest: boolean;
  is_delete_marker: boolean;
  seq: string;
}

/**
 * Scans of the metadata for the S3 listing logic (`domain/s3/listing`), which decides pages,
 * common prefixes and markers. Each scan reads in batches from a start key, bounded by the
 * prefix, in byte order of keys (the columns are COLLATE "C").
 */
export function scanLatestObjects(pool: pg.Pool, bucket: string): KeyScan<ObjectEntry> {
  return (start, prefix) =>
    batches<ListedRow, ObjectEntry>(
      async (last) => {
        const { rows } = await pool.query<ListedRow>(
          `SELECT key, size, etag, last_modified FROM object_versions
           WHERE bucket = $1 AND is_latest AND NOT is_delete_marker
             AND key >= $2 AND starts_with(key, $2)
             AND (key > $3 OR key = $3 AND $4)
           ORDER BY key LIMIT $5`,
          last === undefined
            ? [bucket, prefix, start.key, start.inclusive, BATCH]
            : [bucket, prefix, last.key, false, BATCH],
        );
        return rows;
      },
      (row) => ({
        key: row.key,
        size: Number(row.size),
        etag: row.etag ?? '',
        lastModified: row.last_modified,
      }),
    );
}

/** Every version and delete marker: by key, then newest first. */
export function scanObjectVersions(pool: pg.Pool, bucket: string): KeyScan<VersionEntry> {
  return (start, prefix) =>
    batches<ListedRow, VersionEntry>(
      async (last) => {
        const { rows } = await pool.query<ListedRow>(
          `SELECT key, size, etag, last_modified, version_id, is_latest, is_delete_marker, seq
           FROM object_versions
           WHERE bucket = $1 AND key >= $2 AND starts_with(key, $2)
             AND (key > $3 OR key = $3 AND ($4::bigint IS NULL AND $5 OR seq < $4::bigint))
           ORDER BY key, seq DESC LIMIT $6`,
          last === undefined
            ? [bucket, prefix, start.key, null, start.inclusive, BATCH]
            : [bucket, prefix, last.key, last.seq, false, BATCH],
        );
        return rows;
      },
      (row): VersionEntry =>
        row.is_delete_marker
          ? {
              kind: 'deleteMarker',
              key: row.key,
              versionId: row.version_id,
              isLatest: row.is_latest,
              lastModified: row.last_modified,
            }
          : {
              kind: 'version',
              key: row.key,
              versionId: row.version_id,
              isLatest: row.is_latest,
              lastModified: row.last_modified,
              etag: row.etag ?? '',
              size: Number(row.size),
            },
    );
}

interface UploadRow {
  key: string;
  upload_id: string;
  initiated_at: Date;
}

/** Multipart uploads in progress: by key, then upload id. */
export function scanUploads(pool: pg.Pool, bucket: string): KeyScan<UploadEntry> {
  return (start, prefix) =>
    batches<UploadRow, UploadEntry>(
      async (last) => {
        const { rows } = await pool.query<UploadRow>(
          `SELECT key, upload_id, initiated_at FROM multipart_uploads
           WHERE bucket = $1 AND key >= $2 AND starts_with(key, $2)
             AND (key > $3 OR key = $3 AND ($4::text IS NULL AND $5 OR upload_id > $4))
           ORDER BY key, upload_id LIMIT $6`,
          last === undefined
            ? [bucket, prefix, start.key, null, start.inclusive, BATCH]
            : [bucket, prefix, last.key, last.upload_id, false, BATCH],
        );
        return rows;
      },
      (row) => ({ key: row.key, uploadId: row.upload_id, initiated: row.initiated_at }),
    );
}

/** Pages through a query, each batch starting after the last row of the one before. */
async function* batches<Row, Entry>(
  fetch: (last: Row | undefined) => Promise<Row[]>,
  toEntry: (row: Row) => Entry,
): AsyncGenerator<Entry> {
  let last: Row | undefined;
  for (;;) {
    const rows = await fetch(last);
    for (const row of rows) yield toEntry(row);
    if (rows.length < BATCH) return;
    last = rows.at(-1);
  }
}
