import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '@scale-models/postgres';
import { NULL_VERSION_ID } from '../../domain/object-version.ts';
import type { ObjectVersion, Segment, Versioning } from '../../domain/object-version.ts';
import { S3Error } from '../../domain/s3-error.ts';
import { evaluatePreconditions } from '../../domain/s3/index.ts';
import type { Preconditions } from '../../domain/s3/index.ts';
import { noSuchBucket } from './buckets.ts';
import { enqueueObjectEvent } from './object-events.ts';
import type { CreatedEventName } from './object-events.ts';
import { VERSION_COLUMNS, toObjectVersion } from './rows.ts';
import { insertSegment } from './segments.ts';
import type { VersionRow } from './rows.ts';

export interface NewObjectVersion {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  contentType: string | undefined;
  userMetadata: Record<string, string>;
  checksums: Record<string, string>;
  /** The version's bytes in order. */
  segmentIds: string[];
}

export interface CommitOptions {
  event: CreatedEventName;
  /** Segments written for this version (a PUT's body); parts and copy sources exist already. */
  newSegments?: Segment[];
  /** Conditional write: `If-None-Match: *` (must not exist yet) or `If-Match: <etag>`. */
  preconditions?: Preconditions;
  /**
   * Locks the row whose segments this version shares (a copy's source) and throws when it is
   * gone, so the cleaner never sees those segments unreferenced in between.
   */
  lockSource?: (client: pg.ClientBase) => Promise<void>;
}

export interface Committed {
  versionId: string;
  lastModified: Date;
}

/**
 * Makes a new version visible, atomically: its segments, the version row (now the latest),
 * the replaced `null` version gone, and the ObjectCreated event in the outbox. Writers of one
 * key are serialized by an advisory lock, so conditional writes are decided without races.
 */
export async function commitObjectVersion(
  pool: pg.Pool,
  version: NewObjectVersion,
  options: CommitOptions,
): Promise<Committed> {
  return withTransaction(pool, (client) => commitInTransaction(client, version, options));
}

/** `commitObjectVersion` inside a transaction the caller holds (multipart completion). */
export async function commitInTransaction(
  client: pg.ClientBase,
  version: NewObjectVersion,
  options: CommitOptions,
): Promise<Committed> {
  const versioning = await lockKey(client, version.bucket, version.key);
  await checkPreconditions(client, version, options.preconditions);
  await options.lockSource?.(client);
  for (const segment of options.newSegments ?? []) await insertSegment(client, segment);
  const versionId = versioning === 'enabled' ? uuidv7() : NULL_VERSION_ID;
  await retireLatest(client, version.bucket, version.key, versionId);
  const { rows } = await client.query<{ last_modified: Date }>(
    `INSERT INTO object_versions (bucket, key, version_id, is_latest, size, etag, content_type,
                                  user_metadata, checksums, segment_ids)
     VALUES ($1, $2, $3, true, $4, $5, $6, $7, $8, $9::uuid[])
     RETURNING last_modified`,
    [
      version.bucket,
      version.key,
      versionId,
      version.size,
      version.etag,
      version.contentType ?? null,
      version.userMetadata,
      version.checksums,
      version.segmentIds,
    ],
  );
  const { last_modified: lastModified } = rows[0]!;
  await enqueueObjectEvent(client, options.event, {
    bucket: version.bucket,
    key: version.key,
    time: lastModified,
    versionId,
    size: version.size,
    etag: version.etag,
  });
  return { versionId, lastModified };
}

export interface DeleteOutcome {
  versionId?: string;
  deleteMarker: boolean;
}

/**
 * S3 DeleteObject. Without a version id: an unversioned bucket drops the object; a versioned
 * one stacks a delete marker on top (the `null` one when suspended). With a version id: that
 * version goes for good, and the next newest becomes the latest.
 */
export async function deleteObject(
  pool: pg.Pool,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<DeleteOutcome> {
  return withTransaction(pool, async (client) => {
    const versioning = await lockKey(client, bucket, key);
    if (versionId !== undefined) return deleteVersion(client, bucket, key, versionId);
    if (versioning === 'unversioned') {
      const removed = await removeVersion(client, bucket, key, NULL_VERSION_ID);
      if (removed !== undefined) {
        await enqueueObjectEvent(client, 'ObjectRemoved:Delete', { ...removed, bucket, key });
      }
      return { deleteMarker: false };
    }
    const markerId = versioning === 'enabled' ? uuidv7() : NULL_VERSION_ID;
    await retireLatest(client, bucket, key, markerId);
    const { rows } = await client.query<{ last_modified: Date }>(
      `INSERT INTO object_versions (bucket, key, version_id, is_latest, is_delete_marker)
       VALUES ($1, $2, $3, true, true) RETURNING last_modified`,
      [bucket, key, markerId],
    );
    const { last_modified: time } = rows[0]!;
    await enqueueObjectEvent(client, 'ObjectRemoved:DeleteMarkerCreated', {
      bucket,
      key,
      time,
      versionId: markerId,
    });
    return { versionId: markerId, deleteMarker: true };
  });
}

/** The latest version, or the given one; delete markers included (the caller decides). */
export async function findObjectVersion(
  pool: pg.Pool,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<ObjectVersion | undefined> {
  const { rows } = await pool.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM object_versions v
     WHERE v.bucket = $1 AND v.key = $2 AND ($3::text IS NULL AND v.is_latest OR v.version_id = $3)`,
    [bucket, key, versionId ?? null],
  );
  const row = rows[0];
  if (row !== undefined) return toObjectVersion(row);
  const { rowCount } = await pool.query('SELECT 1 FROM buckets WHERE name = $1', [bucket]);
  if (rowCount === 0) throw noSuchBucket(bucket);
  return undefined;
}

/**
 * Serializes writers of one key and reads the bucket's versioning. FOR SHARE on the bucket
 * row makes a concurrent DeleteBucket wait for this write instead of orphaning it.
 */
async function lockKey(client: pg.ClientBase, bucket: string, key: string): Promise<Versioning> {
  const { rows } = await client.query<{ versioning: Versioning }>(
    'SELECT versioning FROM buckets WHERE name = $1 FOR SHARE',
    [bucket],
  );
  const row = rows[0];
  if (row === undefined) throw noSuchBucket(bucket);
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    `object-store:${bucket}/${key}`,
  ]);
  return row.versioning;
}

/**
 * Conditional writes (`If-None-Match: *`, `If-Match`), decided under the key's lock so two
 * racing writers cannot both see "absent". If-Match on a missing key is 404, as in S3.
 */
async function checkPreconditions(
  client: pg.ClientBase,
  { bucket, key }: NewObjectVersion,
  conditions: Preconditions | undefined,
): Promise<void> {
  if (conditions === undefined) return;
  const { rows } = await client.query<{ etag: string; last_modified: Date }>(
    `SELECT etag, last_modified FROM object_versions
     WHERE bucket = $1 AND key = $2 AND is_latest AND NOT is_delete_marker`,
    [bucket, key],
  );
  const current = rows[0];
  if (current === undefined && conditions.ifMatch !== undefined) {
    throw new S3Error('NoSuchKey', 'The specified key does not exist.', { fields: { Key: key } });
  }
  evaluatePreconditions(
    conditions,
    current === undefined ? undefined : { etag: current.etag, lastModified: current.last_modified },
    'PUT',
  );
}

/** Unmarks the latest version, and drops the `null` version a new `null` one replaces. */
async function retireLatest(
  client: pg.ClientBase,
  bucket: string,
  key: string,
  newVersionId: string,
): Promise<void> {
  if (newVersionId === NULL_VERSION_ID) await removeVersion(client, bucket, key, NULL_VERSION_ID);
  await client.query(
    'UPDATE object_versions SET is_latest = false WHERE bucket = $1 AND key = $2 AND is_latest',
    [bucket, key],
  );
}

async function deleteVersion(
  client: pg.ClientBase,
  bucket: string,
  key: string,
  versionId: string,
): Promise<DeleteOutcome> {
  const removed = await removeVersion(client, bucket, key, versionId);
  if (removed === undefined) return { versionId, deleteMarker: false };
  if (removed.wasLatest) {
    await client.query(
      `UPDATE object_versions SET is_latest = true
       WHERE bucket = $1 AND key = $2 AND seq = (
         SELECT max(seq) FROM object_versions WHERE bucket = $1 AND key = $2)`,
      [bucket, key],
    );
  }
  if (!removed.isDeleteMarker) {
    await enqueueObjectEvent(client, 'ObjectRemoved:Delete', { ...removed, bucket, key });
  }
  return { versionId, deleteMarker: removed.isDeleteMarker };
}

interface RemovedVersion {
  versionId: string;
  time: Date;
  wasLatest: boolean;
  isDeleteMarker: boolean;
}

/** Its segments stay until the cleaner finds them unreferenced (a copy may share them). */
async function removeVersion(
  client: pg.ClientBase,
  bucket: string,
  key: string,
  versionId: string,
): Promise<RemovedVersion | undefined> {
  const { rows } = await client.query<{ is_latest: boolean; is_delete_marker: boolean }>(
    `DELETE FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3
     RETURNING is_latest, is_delete_marker`,
    [bucket, key, versionId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    versionId,
    time: new Date(),
    wasLatest: row.is_latest,
    isDeleteMarker: row.is_delete_marker,
  };
}
