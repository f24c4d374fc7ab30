import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { InputError } from '@scale-models/errors';
import { eventually, uniqueName } from '@scale-models/testkit';
import {
  DEAD_LETTER_HEADERS,
  createCloudEvent,
  createProducer,
  deadLetterTopicOf,
  runConsumer,
  serializeCloudEvent,
} from '../src/index.ts';
import type { CloudEvent, EventProducer } from '../src/index.ts';
import { orderPlacedContract, validOrder } from './contracts.ts';
import type { OrderPlaced } from './contracts.ts';
import { createTopic, endOffsets, readTopic, testKafka } from './support.ts';

let kafka: Kafka;
let producer: EventProducer;

beforeAll(async () => {
  ({ kafka } = await testKafka());
  producer = createProducer(kafka, { source: '/test/orders' });
});

afterAll(async () => {
  await producer.disconnect();
});

describe('event contract, without Kafka', () => {
  const contract = orderPlacedContract('unused');

  it('accepts data matching the schema and returns it typed', () => {
    const order: OrderPlaced = contract.validate(validOrder);
    expect(order).toEqual(validOrder);
  });

  it('rejects violations, naming every failing field', () => {
    const bad = { ...validOrder, orderId: 'nope', customerEmail: 'ada', totalMinor: 0, extra: 1 };
    const attempt = () => contract.validate(bad);
    expect(attempt).toThrow(InputError);
    try {
      attempt();
    } catch (error) {
      const { code, details } = error as InputError;
      expect(code).toBe('event.schema_violation');
      const paths = (details?.problems as { path: string }[]).map((p) => p.path).sort();
      expect(paths).toEqual(['', '/customerEmail', '/orderId', '/totalMinor']);
    }
  });

  it('decodes an envelope of its type and rejects other types and bad data', () => {
    const envelope = (type: string, data: unknown) =>
      serializeCloudEvent(createCloudEvent({ type, source: '/test', data }));
    expect(contract.decode(envelope(contract.type, validOrder)).data).toEqual(validOrder);
    expect(() => contract.decode(envelope('other.type.v1', validOrder))).toThrow(
      expect.objectContaining({ code: 'event.type_mismatch' }) as Error,
    );
    expect(() =>
      contract.decode(envelope(contract.type, { ...validOrder, currency: 'eur' })),
    ).toThrow(expect.objectContaining({ code: 'event.schema_violation' }) as Error);
  });
});

describe('event contract, on both sides of a real topic', () => {
  it('refuses to publish an invalid event: nothing reaches the topic', async () => {
    const contract = orderPlacedContract(await createTopic(kafka, 'contract_refused', 1));
    await expect(
      producer.publish(contract, { key: 'k', event: { ...validOrder, totalMinor: -5 } }),
    ).rejects.toMatchObject({ code: 'event.schema_violation' });
    expect((await endOffsets(kafka, contract.topic)).get(0)).toBe(0n);
  });

  it('publishes a CloudEvent keyed by entity id, with headers passed through', async () => {
    const contract = orderPlacedContract(await createTopic(kafka, 'contract_published', 2));
    const published = await producer.publish(contract, {
      key: validOrder.orderId,
      event: validOrder,
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    const [message] = await readTopic(kafka, contract.topic);
    expect(message?.key).toBe(validOrder.orderId);
    expect(message?.partition).toBe(published.partition);
    expect(message?.headers).toMatchObject({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'content-type': 'application/cloudevents+json; charset=UTF-8',
    });
    const envelope = contract.decode(message!.value);
    expect(envelope).toEqual(published.envelope);
    expect(envelope).toMatchObject({
      source: '/test/orders',
      subject: validOrder.orderId,
      data: validOrder,
    });
  });

  it('consumer side: handles valid events, dead-letters a violation at once', async () => {
    const contract = orderPlacedContract(await createTopic(kafka, 'contract_consumed', 1));
    const violating = createCloudEvent({
      type: contract.type,
      source: '/rogue',
      data: { ...validOrder, currency: 'euro' },
    });
    await producer.raw.send({
      topic: contract.topic,
      messages: [{ key: 'rogue', value: serializeCloudEvent(violating) }],
    });
    await producer.publish(contract, { key: validOrder.orderId, event: validOrder });

    const received: CloudEvent<OrderPlaced>[] = [];
    let attempts = 0;
    const consumer = await runConsumer({
      kafka,
      groupId: uniqueName('contract_group'),
      topics: [contract.topic],
      retry: { attempts: 5, backoffMs: 10 },
      handle: (message) => {
        attempts += 1;
        received.push(contract.decode(message.value));
      },
    });
    try {
      await eventually(() => expect(received).toHaveLength(1), { timeoutMs: 20_000 });
      expect(received[0]?.data).toEqual(validOrder);
      const [dead] = await readTopic(kafka, deadLetterTopicOf(contract.topic));
      expect(dead?.key).toBe('rogue');
      expect(dead?.headers).toMatchObject({
        [DEAD_LETTER_HEADERS.errorCode]: 'event.schema_violation',
        [DEAD_LETTER_HEADERS.attempts]: '1',
      });
      expect(attempts).toBe(2);
    } finally {
      await consumer.stop();
    }
  });
});
