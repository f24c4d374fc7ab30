import { defineEventContract } from '@scale-models/kafka';

/**
 * The events this miniature publishes, in one place: producers (the outbox writes) and
 * consumers (tests, other miniatures) validate against the same contracts. Data follows the
 * S3 event notification format (`Records[]` with `eventName`, `s3.bucket`, `s3.object`), so a
 * consumer written for S3 notifications reads them unchanged.
 */
export interface ObjectEventRecord {
  eventVersion: '2.1';
  eventSource: 'scale-models:s3';
  eventTime: string;
  eventName: string;
  s3: {
    s3SchemaVersion: '1.0';
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer: string };
  };
}

export interface ObjectEvent {
  Records: [ObjectEventRecord];
}

const recordSchema = (eventNames: string[]) => ({
  type: 'object',
  required: ['Records'],
  additionalProperties: false,
  properties: {
    Records: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['eventVersion', 'eventSource', 'eventTime', 'eventName', 's3'],
        additionalProperties: false,
        properties: {
          eventVersion: { const: '2.1' },
          eventSource: { const: 'scale-models:s3' },
          eventTime: { type: 'string', format: 'date-time' },
          eventName: { enum: eventNames },
          s3: {
            type: 'object',
            required: ['s3SchemaVersion', 'bucket', 'object'],
            additionalProperties: false,
            properties: {
              s3SchemaVersion: { const: '1.0' },
              bucket: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: { name: { type: 'string', minLength: 3 } },
              },
              object: {
                type: 'object',
                required: ['key', 'sequencer'],
                additionalProperties: false,
                properties: {
                  key: { type: 'string', minLength: 1 },
                  size: { type: 'integer', minimum: 0 },
                  eTag: { type: 'string' },
                  versionId: { type: 'string' },
                  sequencer: { type: 'string', pattern: '^[0-9A-F]{16}$' },
                },
              },
            },
          },
        },
      },
    },
  },
});

export const objectCreated = defineEventContract<ObjectEvent>({
  topic: 'object-store.object.created.v1',
  type: 'scale-models.object-store.object.created.v1',
  schema: recordSchema([
    'ObjectCreated:Put',
    'ObjectCreated:Copy',
    'ObjectCreated:CompleteMultipartUpload',
  ]),
});

export const objectRemoved = defineEventContract<ObjectEvent>({
  topic: 'object-store.object.removed.v1',
  type: 'scale-models.object-store.object.removed.v1',
  schema: recordSchema(['ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated']),
});

export const EVENT_SOURCE = '/object-store';
