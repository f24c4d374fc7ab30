import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { readExportConfig } from './export-config.ts';
import { createInstrumentations } from './instrumentations.ts';
import { createResource } from './resource.ts';
import { createLogProcessors, createMetricReaders, createSpanProcessors } from './pipelines.ts';

export interface TelemetryOptions {
  /** Overrides OTEL_SERVICE_NAME. */
  serviceName?: string;
  serviceVersion?: string;
  /** An extra exporter that receives every span as it ends (e.g. InMemorySpanExporter in tests). */
  spanExporter?: SpanExporter;
  /** An extra metric reader (e.g. a PeriodicExportingMetricReader over an InMemoryMetricExporter). */
  metricReader?: IMetricReader;
  /** Replaces the default instrumentations (http, fastify, pg, ioredis, kafkajs, grpc, pino). */
  instrumentations?: Instrumentation[];
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  /** Exports what is buffered now, without stopping. */
  forceFlush(): Promise<void>;
  /** Exports what is buffered and stops every exporter; call once. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK. With no OTLP endpoint and no extra exporter, spans are still
 * created (so logs carry trace ids and traceparent propagates) but nothing leaves the process.
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const config = readExportConfig(options.env);
  const spanProcessors = createSpanProcessors(config, options.spanExporter);
  const metricReaders = createMetricReaders(config, options.metricReader);
  const logProcessors: LogRecordProcessor[] = createLogProcessors(config);
  const sdk = new NodeSDK({
    resource: createResource(options.serviceVersion),
    ...(options.serviceName === undefined ? {} : { serviceName: options.serviceName }),
    instrumentations:
      options.instrumentations ?? createInstrumentations({ sendLogs: config.otlp.logs }),
    spanProcessors,
    metricReaders,
    logRecordProcessors: logProcessors,
  });
  sdk.start();
  return {
    forceFlush: async () => {
      await Promise.all([
        ...spanProcessors.map((processor) => processor.forceFlush()),
        ...metricReaders.map((reader) => reader.forceFlush()),
        ...logProcessors.map((processor) => processor.forceFlush()),
      ]);
    },
    shutdown: () => sdk.shutdown(),
  };
}
