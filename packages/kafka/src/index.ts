export { createCloudEvent, parseCloudEvent, serializeCloudEvent } from './cloud-event.ts';
export type { CloudEvent, NewCloudEvent } from './cloud-event.ts';
export { createKafka } from './create-kafka.ts';
export type { KafkaOptions } from './create-kafka.ts';
export { ensureTopics } from './ensure-topics.ts';
export type { TopicSpec } from './ensure-topics.ts';
export { defineEventContract } from './event-contract.ts';
export type { EventContract, EventContractDefinition, SchemaProblem } from './event-contract.ts';
export { createEventMessage } from './create-event-message.ts';
export type { EventInput, EventMessage } from './create-event-message.ts';
export { createProducer } from './create-producer.ts';
export type { EventProducer, ProducerOptions, Published } from './create-producer.ts';
export type { ConsumedMessage } from './consumed-message.ts';
export { DEAD_LETTER_HEADERS, deadLetterTopicOf } from './dead-letter.ts';
export type { RetryPolicy } from './process-with-retry.ts';
export { runConsumer } from './run-consumer.ts';
export type { ConsumerHandle, ConsumerOptions } from './run-consumer.ts';
export { runExactlyOncePipeline } from './run-exactly-once-pipeline.ts';
export type {
  OutputMessage,
  PipelineHandle,
  PipelineOptions,
} from './run-exactly-once-pipeline.ts';
export { keepConsumerRunning } from './keep-consumer-running.ts';
export { readToEnd } from './read-to-end.ts';
export type { ReadToEndOptions } from './read-to-end.ts';
export { toConsumedMessage } from './consumed-message.ts';
