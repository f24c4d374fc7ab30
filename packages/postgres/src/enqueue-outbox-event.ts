import type pg from 'pg';
import { createCloudEvent } from '@scale-models/kafka';
import type { CloudEvent } from '@scale-models/kafka';

export interface OutboxEventInput<T> {
  /** Kafka topic, e.g. `commerce.order.created.v1`. */
  topic: string;
  /** The aggregate's id: Kafka key, CloudEvents subject, and the unit of ordering. */
  key: string;
  /** e.g. `order`; stored for inspection only. */
  aggregateType?: string;
  /** CloudEvents type. */
  type: string;
  /** CloudEvents source, e.g. `/commerce/orders`. */
  source: string;
  data: T;
  /** Extra Kafka headers. */
  headers?: Record<string, string>;
}

/**
 * Adds an event to the outbox inside the caller's transaction: it reaches Kafka if and only
 * if the transaction commits. Returns the envelope, whose `id` (UUIDv7, made here) is the
 * dedupe key consumers use.
 *
 * Call it in the transaction that changed and locked the aggregate. It also takes a
 * transaction-scoped advisory lock on the key, so even two writers of one aggregate that
 * forgot to lock it are serialized: the second gets its id after the first commits, which is
 * what makes id order equal commit order for each aggregate.
 */
export async function enqueueOutboxEvent<T>(
  client: pg.ClientBase,
  { topic, key, aggregateType, type, source, data, headers = {} }: OutboxEventInput<T>,
): Promise<CloudEvent<T>> {
  const envelope = createCloudEvent({ type, source, subject: key, data });
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtext('scale-models.outbox-key'), hashtext($1))`,
    [key],
  );
  await client.query(
    `INSERT INTO outbox_events (event_id, topic, key, aggregate_type, envelope, headers)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [envelope.id, topic, key, aggregateType ?? null, envelope, headers],
  );
  return envelope;
}
