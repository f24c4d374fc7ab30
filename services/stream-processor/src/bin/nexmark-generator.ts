// The Nexmark generator into Kafka: COUNT events at RATE events/s (0: as fast as possible).
import { createKafka, ensureTopics } from '@scale-models/kafka';
import { loadConfigOrExit, Type } from '@scale-models/service-kit';
import { nexmarkTopicSpecs, produceNexmark } from '../adapters/nexmark-producer.ts';
import { NEXMARK_PERSONS_TOPIC, NEXMARK_TOPIC } from '../nexmark/catalog.ts';

const config = loadConfigOrExit(
  Type.Object({
    KAFKA_BROKERS: Type.String(),
    TOPIC: Type.String({ default: NEXMARK_TOPIC }),
    PERSONS_TOPIC: Type.String({ default: NEXMARK_PERSONS_TOPIC }),
    COUNT: Type.Integer({ default: 100_000, minimum: 1 }),
    RATE: Type.Integer({ default: 10_000, minimum: 0 }),
    EVENTS_PER_SECOND: Type.Integer({
      default: 10_000,
      minimum: 1,
      description: 'event-time density',
    }),
  }),
);
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS.split(','),
  clientId: 'nexmark-generator',
});
const topics = { events: config.TOPIC, persons: config.PERSONS_TOPIC };
await ensureTopics(kafka, nexmarkTopicSpecs(topics, 1));
const ms = await produceNexmark(kafka, {
  topics,
  count: config.COUNT,
  rate: config.RATE,
  eventsPerSecond: config.EVENTS_PER_SECOND,
  baseTime: Date.now(),
});
console.log(
  JSON.stringify({
    topic: config.TOPIC,
    events: config.COUNT,
    ms,
    perSecond: Math.round((config.COUNT * 1000) / ms),
  }),
);
