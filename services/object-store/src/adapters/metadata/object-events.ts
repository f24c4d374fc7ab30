import type pg from 'pg';
import { enqueueOutboxEvent } from '@scale-models/postgres';
import { EVENT_SOURCE, objectCreated, objectRemoved } from '../../contracts.ts';
import type { ObjectEvent } from '../../contracts.ts';
import { sequencerOf } from './rows.ts';

export type CreatedEventName =
  'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';
export type RemovedEventName = 'ObjectRemoved:Delete' | 'ObjectRemoved:DeleteMarkerCreated';

export interface ObjectEventFacts {
  bucket: string;
  key: string;
  time: Date;
  versionId: string;
  size?: number;
  etag?: string;
}

/**
 * Enqueues the S3-style notification of a change in the transaction that made it, so the
 * event reaches Kafka if and only if the change committed. Keyed by `bucket/key`: the events
 * of one object stay in order.
 */
export async function enqueueObjectEvent(
  client: pg.ClientBase,
  eventName: CreatedEventName | RemovedEventName,
  facts: ObjectEventFacts,
): Promise<void> {
  const contract = eventName.startsWith('ObjectCreated') ? objectCreated : objectRemoved;
  const { rows } = await client.query<{ seq: string }>(
    `SELECT nextval('object_event_sequencer') AS seq`,
  );
  const data = contract.validate(recordOf(eventName, facts, rows[0]!.seq));
  await enqueueOutboxEvent(client, {
    topic: contract.topic,
    key: `${facts.bucket}/${facts.key}`,
    aggregateType: 'object',
    type: contract.type,
    source: EVENT_SOURCE,
    data,
  });
}

function recordOf(eventName: string, facts: ObjectEventFacts, seq: string): ObjectEvent {
  const { bucket, key, time, versionId, size, etag } = facts;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'scale-models:s3',
        eventTime: time.toISOString(),
        eventName,
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket },
          object: {
            key,
            ...(size === undefined ? {} : { size }),
            ...(etag === undefined ? {} : { eTag: etag }),
            ...(versionId === 'null' ? {} : { versionId }),
            sequencer: sequencerOf(seq),
          },
        },
      },
    ],
  };
}
