import { Writable } from 'node:stream';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Telemetry } from '../src/index.ts';
import { createLogger, meter, startTelemetry, tracer } from '../src/index.ts';

/** Pull-only reader: the test collects when it wants, no timers. */
class CollectingReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

// In-process use of the SDK, as a miniature's own tests would do it: no loader hook and no
// instrumentations, an in-memory exporter to read spans back.
describe('the library API with startTelemetry', () => {
  const spans = new InMemorySpanExporter();
  const metricReader = new CollectingReader();
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = startTelemetry({
      serviceName: 'library-api',
      spanExporter: spans,
      metricReader,
      instrumentations: [],
      env: {},
    });
  });

  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('tracer() records spans the in-memory exporter hands back, with the service name', async () => {
    tracer('library-api').startActiveSpan('unit of work', (span) => span.end());
    await telemetry.forceFlush();

    const [finished] = spans.getFinishedSpans().filter((span) => span.name === 'unit of work');
    const attributes = finished?.resource.attributes;
    expect(attributes?.['service.name']).toBe('library-api');
    expect(typeof attributes?.['service.instance.id']).toBe('string');
  });

  it('createLogger() writes JSON lines with the active span ids, and none outside a span', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger({ name: 'library-api', level: 'debug', destination });

    const ids = tracer('library-api').startActiveSpan('logged', (span) => {
      log.debug({ headers: 'kept' }, 'inside');
      span.end();
      return span.spanContext();
    });
    log.info('outside');

    expect(lines[0]).toMatchObject({
      name: 'library-api',
      msg: 'inside',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      trace_flags: '01',
    });
    expect(lines[1]).toMatchObject({ msg: 'outside' });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('createLogger() redacts credential headers', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger({ name: 'library-api', destination }).info(
      { req: { headers: { authorization: 'Bearer secret-token' } } },
      'request',
    );
    expect(lines.join('')).not.toContain('secret-token');
  });

  it('meter() instruments reach the metric reader', async () => {
    meter('library-api').createCounter('library_api.shards_healed').add(3, { node: 'a' });

    const { resourceMetrics } = await metricReader.collect();
    const points = resourceMetrics.scopeMetrics
      .filter((scope) => scope.scope.name === 'library-api')
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.descriptor.name === 'library_api.shards_healed')
      .flatMap((metric) => metric.dataPoints as readonly { value: unknown }[]);
    expect(points.map((point) => point.value)).toEqual([3]);
  });
});
