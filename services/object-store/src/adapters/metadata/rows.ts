import type { ObjectVersion, Segment } from '../../domain/object-version.ts';

/** Columns of object_versions plus its segments in order, as one JSON array. */
export const VERSION_COLUMNS = `
  v.bucket, v.key, v.version_id, v.seq, v.is_latest, v.is_delete_marker, v.size, v.etag,
  v.content_type, v.user_metadata, v.checksums, v.last_modified,
  (SELECT coalesce(json_agg(json_build_object(
            'id', s.id, 'size', s.size, 'dataShards', s.data_shards,
            'parityShards', s.parity_shards, 'blockSize', s.block_size, 'nodes', s.nodes)
          ORDER BY u.ord), '[]')
     FROM unnest(v.segment_ids) WITH ORDINALITY AS u (id, ord)
     JOIN segments s ON s.id = u.id) AS segments`;

export interface VersionRow {
  bucket: string;
  key: string;
  version_id: string;
  seq: string;
  is_latest: boolean;
  is_delete_marker: boolean;
  size: string;
  etag: string | null;
  content_type: string | null;
  user_metadata: Record<string, string>;
  checksums: Record<string, string>;
  last_modified: Date;
  segments: Segment[];
}

export function toObjectVersion(row: VersionRow): ObjectVersion {
  return {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    isLatest: row.is_latest,
    isDeleteMarker: row.is_delete_marker,
    size: Number(row.size),
    etag: row.etag ?? '',
    contentType: row.content_type ?? undefined,
    userMetadata: row.user_metadata,
    checksums: row.checksums,
    segments: row.segments.map((segment) => ({ ...segment, size: Number(segment.size) })),
    lastModified: row.last_modified,
  };
}

/** S3's `sequencer`: a hex string that orders events of one key. */
export function sequencerOf(seq: string | number): string {
  return BigInt(seq).toString(16).toUpperCase().padStart(16, '0');
}
