import type pg from 'pg';
import type { Segment } from '../../domain/object-version.ts';

interface SegmentRow {
  id: string;
  size: string;
  data_shards: number;
  parity_shards: number;
  block_size: number;
  nodes: string[];
}

const toSegment = (row: SegmentRow): Segment => ({
  id: row.id,
  size: Number(row.size),
  dataShards: row.data_shards,
  parityShards: row.parity_shards,
  blockSize: row.block_size,
  nodes: row.nodes,
});

export async function insertSegment(client: pg.ClientBase, segment: Segment): Promise<void> {
  const { id, size, dataShards, parityShards, blockSize, nodes } = segment;
  await client.query(
    `INSERT INTO segments (id, size, data_shards, parity_shards, block_size, nodes)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, size, dataShards, parityShards, blockSize, nodes],
  );
}

/** Segments in id order after `after`: the scrubber's walk. */
export async function listSegments(pool: pg.Pool, after: string | undefined, limit: number) {
  const { rows } = await pool.query<SegmentRow>(
    `SELECT * FROM segments WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
    [after ?? null, limit],
  );
  return rows.map(toSegment);
}

/**
 * Deletes the segment row when no object version or multipart part references it any more,
 * and says whether it did. Writers that add a reference to an existing segment (copy,
 * complete) hold a lock on the referencing row, so a reference cannot appear meanwhile.
 */
export async function deleteSegmentIfUnreferenced(pool: pg.Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `DELETE FROM segments s WHERE s.id = $1
       AND NOT EXISTS (SELECT 1 FROM object_versions v WHERE v.segment_ids @> ARRAY[s.id])
       AND NOT EXISTS (SELECT 1 FROM multipart_parts p WHERE p.segment_id = s.id)`,
    [id],
  );
  return rowCount === 1;
}

/** Segments no version or part references any more: deleted objects, replaced parts. */
export async function listUnreferencedSegments(pool: pg.Pool, limit: number): Promise<Segment[]> {
  const { rows } = await pool.query<SegmentRow>(
    `SELECT * FROM segments s
     WHERE NOT EXISTS (SELECT 1 FROM object_versions v WHERE v.segment_ids @> ARRAY[s.id])
       AND NOT EXISTS (SELECT 1 FROM multipart_parts p WHERE p.segment_id = s.id)
     ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map(toSegment);
}

/** Which of these segment ids have a row. */
export async function existingSegmentIds(pool: pg.Pool, ids: string[]): Promise<Set<string>> {
  const { rows } = await pool.query<{ id: string }>(
    'SELECT id FROM segments WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return new Set(rows.map(({ id }) => id));
}

export async function countSegments(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM segments');
  return Number(rows[0]?.count ?? 0);
}
