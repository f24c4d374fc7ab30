import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { ExportConfig } from './export-config.ts';
import { JsonLinesSpanExporter } from './json-lines-span-exporter.ts';

// The OTLP exporters read OTEL_EXPORTER_OTLP_(TRACES_|METRICS_|LOGS_)ENDPOINT and _HEADERS
// themselves; these functions only decide which exporters exist.

export function createSpanProcessors(
  config: ExportConfig,
  extraExporter: SpanExporter | undefined,
): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (config.otlp.traces) {
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
  }
  if (config.spansFile !== undefined) {
    processors.push(
      new SimpleSpanProcessor({ exporter: new JsonLinesSpanExporter(config.spansFile) }),
    );
  }
  if (extraExporter !== undefined) {
    processors.push(new SimpleSpanProcessor({ exporter: extraExporter }));
  }
  // The SDK installs no tracer provider without a processor; spans that go nowhere still
  // give logs their trace ids and keep traceparent flowing to downstream services.
  return processors.length > 0 ? processors : [new NoopSpanProcessor()];
}

export function createMetricReaders(
  config: ExportConfig,
  extraReader: IMetricReader | undefined,
): IMetricReader[] {
  const readers: IMetricReader[] = [];
  if (config.otlp.metrics) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        ...exportInterval(config.metricExportIntervalMs),
      }),
    );
  }
  if (extraReader !== undefined) readers.push(extraReader);
  return readers;
}

export function createLogProcessors(config: ExportConfig): LogRecordProcessor[] {
  return config.otlp.logs ? [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] : [];
}

// The reader rejects a timeout longer than its interval, so a short interval shortens both.
function exportInterval(intervalMs: number | undefined): {
  exportIntervalMillis?: number;
  exportTimeoutMillis?: number;
} {
  if (intervalMs === undefined) return {};
  return { exportIntervalMillis: intervalMs, exportTimeoutMillis: Math.min(intervalMs, 30_000) };
}
