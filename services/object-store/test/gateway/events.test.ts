import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { createKafka, ensureTopics } from '@scale-models/kafka';
import type { CloudEvent } from '@scale-models/kafka';
import { createOutboxRelay } from '@scale-models/postgres';
import type { OutboxRelay } from '@scale-models/postgres';
import { eventually, kafka as kafkaServer, uniqueName } from '@scale-models/testkit';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectCreated, objectRemoved } from '../../src/contracts.ts';
import type { ObjectEvent } from '../../src/contracts.ts';
import { startStoreCluster } from '../support/store-cluster.ts';
import type { StoreCluster } from '../support/store-cluster.ts';

let cluster: StoreCluster;
let kafka: Kafka;
let producer: Producer;
let relay: OutboxRelay;
let consumer: Consumer;
let bucket: string;
const received: CloudEvent<ObjectEvent>[] = [];

beforeAll(async () => {
  cluster = await startStoreCluster();
  bucket = uniqueName('events').replaceAll('_', '-');
  kafka = createKafka({
    brokers: (await kafkaServer()).brokers,
    clientId: 'object-store-events-test',
  });
  await ensureTopics(kafka, [
    { topic: objectCreated.topic, partitions: 3 },
    { topic: objectRemoved.topic, partitions: 3 },
  ]);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  relay = createOutboxRelay({ pool: cluster.pool, producer, pollIntervalMs: 200 });
  relay.start();
  consumer = kafka.consumer({ groupId: uniqueName('events_test') });
  await consumer.connect();
  await consumer.subscribe({
    topics: [objectCreated.topic, objectRemoved.topic],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: ({ topic, message }) => {
      // The consumer side of the contract: every message must decode and validate.
      const contract = topic === objectCreated.topic ? objectCreated : objectRemoved;
      const event = contract.decode(message.value);
      if (event.data.Records[0].s3.bucket.name === bucket) received.push(event);
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await consumer?.disconnect();
  await relay?.stop();
  await producer?.disconnect();
  await cluster?.close();
});

describe('object events on Kafka, through the outbox', () => {
  it('publishes S3-style records for puts, deletes and delete markers, in order per object', async () => {
    await cluster.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'one' }));
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'two!' }));
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a.txt' }));
    await cluster.s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.txt', Body: 'bee' }));
    await cluster.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'b.txt' }));

    await eventually(() => expect(received).toHaveLength(5), { timeoutMs: 30_000 });
    // Created and removed events travel on two topics, so they arrive interleaved in any
    // order; the sequencer orders the events of one key, as S3 documents.
    const byKey = (key: string) =>
      received
        .map((event) => event.data.Records[0])
        .filter((record) => record.s3.object.key === key)
        .sort((a, b) => a.s3.object.sequencer.localeCompare(b.s3.object.sequencer))
        .map((record) => [record.eventName, record.s3.object.size]);
    expect(byKey('a.txt')).toEqual([
      ['ObjectCreated:Put', 3],
      ['ObjectCreated:Put', 4],
      ['ObjectRemoved:Delete', undefined],
    ]);
    expect(byKey('b.txt')).toEqual([
      ['ObjectCreated:Put', 3],
      ['ObjectRemoved:DeleteMarkerCreated', undefined],
    ]);
    expect(received.every((event) => event.subject?.startsWith(`${bucket}/`))).toBe(true);
  });

  it('publishes nothing for a write that failed its checksum', async () => {
    const before = received.length;
    const attempt = cluster.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'bad.txt',
        Body: 'data',
        ContentMD5: 'AAAAAAAAAAAAAAAAAAAAAA==',
      }),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'BadDigest' });
    await cluster.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after.txt', Body: 'ok' }));
    await eventually(() => expect(received.length).toBe(before + 1), { timeoutMs: 30_000 });
    expect(received.at(-1)?.data.Records[0].s3.object.key).toBe('after.txt');
  });
});
