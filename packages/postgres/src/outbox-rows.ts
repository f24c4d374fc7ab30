import type pg from 'pg';
import type { TopicMessages } from 'kafkajs';
import { serializeCloudEvent } from '@scale-models/kafka';
import type { CloudEvent } from '@scale-models/kafka';

export interface OutboxRow {
  /** bigint, as pg returns it: a string. */
  id: string;
  event_id: string;
  topic: string;
  key: string;
  envelope: CloudEvent;
  headers: Record<string, string>;
}

/** CloudEvents Kafka binding, structured mode: the whole envelope is the value. */
const CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/**
 * The oldest unpublished rows. No high-water mark: a row whose lower id commits late is still
 * unpublished, so the next read finds it.
 */
export async function readUnpublished(client: pg.ClientBase, limit: number): Promise<OutboxRow[]> {
  const { rows } = await client.query<OutboxRow>(
    `SELECT id, event_id, topic, key, envelope, headers FROM outbox_events
     WHERE published_at IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function markPublished(client: pg.ClientBase, rows: OutboxRow[]): Promise<void> {
  await client.query('UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])', [
    rows.map((row) => row.id),
  ]);
}

/** Deletes published rows older than the retention, a chunk at a time to keep locks short. */
export async function deletePublished(client: pg.ClientBase, retentionMs: number): Promise<number> {
  const chunk = 1_000;
  let total = 0;
  for (;;) {
    const { rowCount } = await client.query(
      `DELETE FROM outbox_events WHERE id IN (
         SELECT id FROM outbox_events
         WHERE published_at < now() - make_interval(secs => $1::double precision / 1000)
         LIMIT $2)`,
      [retentionMs, chunk],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < chunk) return total;
  }
}

/** One entry per topic, rows kept in id order, so each partition receives them in order. */
export function toTopicMessages(rows: readonly OutboxRow[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const row of rows) {
    let entry = byTopic.get(row.topic);
    if (entry === undefined) {
      entry = { topic: row.topic, messages: [] };
      byTopic.set(row.topic, entry);
    }
    entry.messages.push({
      key: row.key,
      value: serializeCloudEvent(row.envelope),
      headers: { ...row.headers, 'content-type': CONTENT_TYPE, ce_id: row.event_id },
    });
  }
  return [...byTopic.values()];
}
