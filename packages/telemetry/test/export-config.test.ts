import { describe, expect, it } from 'vitest';
import { readExportConfig } from '../src/export-config.ts';

describe('readExportConfig', () => {
  it('exports nothing when no endpoint is set', () => {
    expect(readExportConfig({})).toEqual({
      otlp: { traces: false, metrics: false, logs: false },
      spansFile: undefined,
      metricExportIntervalMs: undefined,
    });
  });

  it('exports every signal to the shared endpoint', () => {
    expect(readExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otlp).toEqual(
      { traces: true, metrics: true, logs: true },
    );
  });

  it('honours per-signal endpoints and OTEL_<SIGNAL>_EXPORTER=none', () => {
    const config = readExportConfig({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      TELEMETRY_SPANS_FILE: '/tmp/spans.jsonl',
    });
    expect(config).toEqual({
      otlp: { traces: true, metrics: true, logs: false },
      spansFile: '/tmp/spans.jsonl',
      metricExportIntervalMs: 5000,
    });
  });

  it('treats empty values as unset', () => {
    expect(readExportConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).otlp.traces).toBe(false);
  });
});
