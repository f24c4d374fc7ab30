import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';

export interface InstrumentationOptions {
  /** Forward pino log records to the OpenTelemetry logs SDK (only useful when logs are exported). */
  sendLogs: boolean;
}

/** Every library the miniatures use for I/O, so each request, query and message is in a trace. */
export function createInstrumentations({ sendLogs }: InstrumentationOptions): Instrumentation[] {
  return [
    new HttpInstrumentation(),
    // Subscribes to fastify's initialization diagnostics channel, so every fastify instance is
    // covered without each app registering the plugin (and independently of ESM or CJS loading).
    new FastifyOtelInstrumentation({ registerOnInitialization: true }),
    new PgInstrumentation(),
    new IORedisInstrumentation(),
    new KafkaJsInstrumentation(),
    new GrpcInstrumentation(),
    new PinoInstrumentation({ disableLogSending: !sendLogs }),
  ];
}
