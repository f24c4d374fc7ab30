type Signal = 'traces' | 'metrics' | 'logs';

/** Where telemetry goes, read from the standard OTEL_* variables plus TELEMETRY_SPANS_FILE. */
export interface ExportConfig {
  /** Signals sent over OTLP/HTTP: only those with an endpoint and not switched off. */
  otlp: Record<Signal, boolean>;
  /** File that receives every finished span as a JSON line (tests, debugging). */
  spansFile: string | undefined;
  /** OTEL_METRIC_EXPORT_INTERVAL in milliseconds, when set. */
  metricExportIntervalMs: number | undefined;
}

export function readExportConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
  return {
    otlp: {
      traces: otlpEnabled(env, 'traces'),
      metrics: otlpEnabled(env, 'metrics'),
      logs: otlpEnabled(env, 'logs'),
    },
    spansFile: nonEmpty(env.TELEMETRY_SPANS_FILE),
    metricExportIntervalMs: positiveNumber(env.OTEL_METRIC_EXPORT_INTERVAL),
  };
}

// No endpoint means no exporter at all: the OTLP exporters would otherwise default to
// localhost:4318 and log connection errors on every batch when no collector runs.
function otlpEnabled(env: NodeJS.ProcessEnv, signal: Signal): boolean {
  const upper = signal.toUpperCase();
  const endpoint =
    nonEmpty(env[`OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`]) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const exporters = (env[`OTEL_${upper}_EXPORTER`] ?? 'otlp').split(',').map((name) => name.trim());
  return endpoint !== undefined && !exporters.includes('none') && exporters.includes('otlp');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function positiveNumber(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}
