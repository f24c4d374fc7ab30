import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { createTestDatabase, eventually, kafka, uniqueName } from '@scale-models/testkit';
import type { TestDatabase } from '@scale-models/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../src/index.ts';
import type { ChildApp } from './support/child-app.ts';
import { startChildApp } from './support/child-app.ts';
import { ancestors, readSpans } from './support/spans-file.ts';

// The package's headline promise: one HTTP request becomes one trace that crosses fastify,
// pg and Kafka into the consumer, with logs that name it. The app runs as a child process
// so the register entry (loader hook included) is in place before its imports.
describe('one trace from an HTTP request through pg and Kafka to the consumer', () => {
  const topic = uniqueName('telemetry_orders');
  const spansFile = join(tmpdir(), `${uniqueName('spans')}.jsonl`);
  let database: TestDatabase;
  let app: ChildApp;

  beforeAll(async () => {
    const { brokers } = await kafka();
    await createTopic(brokers, topic);
    database = await createTestDatabase('telemetry');
    app = startChildApp('traced-app.ts', {
      PG_URL: database.url,
      KAFKA_BROKERS: brokers.join(','),
      TOPIC: topic,
      OTEL_SERVICE_NAME: 'traced-app',
      TELEMETRY_SPANS_FILE: spansFile,
    });
  });

  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    rmSync(spansFile, { force: true });
  });

  it('links the server, query, producer and consumer spans, and the logs', async () => {
    const address = await eventually(() => logLine(app, 'listening').address as string, {
      timeoutMs: 30_000,
    });
    const response = await fetch(`${address}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'order-1' }),
    });
    expect(response.status).toBe(200);

    const spans = await eventually(
      () => {
        const all = readSpans(spansFile);
        expect(all.some((span) => span.kind === SpanKind.CONSUMER)).toBe(true);
        return all;
      },
      { timeoutMs: 30_000 },
    );
    const server = only(spans, (span) => span.kind === SpanKind.SERVER);
    const trace = spans.filter((span) => span.traceId === server.traceId);
    const select = only(trace, (span) => span.name.startsWith('pg.query:SELECT'));
    const producer = only(trace, (span) => span.kind === SpanKind.PRODUCER);
    const consumer = only(trace, (span) => span.kind === SpanKind.CONSUMER);
    const insert = only(trace, (span) => span.name.startsWith('pg.query:INSERT'));

    expect(server).toMatchObject({ parentSpanId: null, serviceName: 'traced-app' });
    expect(server.scope).toBe('@opentelemetry/instrumentation-http');
    expect(trace.some((span) => span.scope === '@fastify/otel')).toBe(true);
    // The query and the send run inside the request: the server span is their ancestor.
    expect(ancestors(select, trace)).toContainEqual(server);
    expect(ancestors(producer, trace)).toContainEqual(server);
    // traceparent travelled in the message headers: the consumer is the producer's child,
    // and the consumer's own query is the consumer's child.
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.name).toBe(`process ${topic}`);
    expect(insert.parentSpanId).toBe(consumer.spanId);

    // Log lines arrive through the child's stdout pipe, so they may trail the spans file.
    const accepted = await eventually(() => logLine(app, 'order accepted'));
    expect(accepted.trace_id).toBe(server.traceId);
    expect(accepted.span_id).toBe(select.parentSpanId);
    const consumed = await eventually(() => logLine(app, 'order consumed'));
    expect(consumed).toMatchObject({ trace_id: server.traceId, span_id: consumer.spanId });
  });

  it('leaves the shutdown to the app, which exits cleanly', async () => {
    expect(await app.stop()).toEqual({ code: 0, signal: null });
    expect(logLine(app, 'stopped')).toMatchObject({ name: 'traced-app' });
  });
});

async function createTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

function logLine(app: ChildApp, msg: string): Record<string, unknown> {
  const line = app.jsonLines().find((each) => each.msg === msg);
  if (line === undefined) throw new Error(`no log line "${msg}" yet`);
  return line;
}

function only(spans: SpanRecord[], predicate: (span: SpanRecord) => boolean): SpanRecord {
  const matches = spans.filter(predicate);
  expect(matches, JSON.stringify(spans.map((span) => span.name))).toHaveLength(1);
  return matches[0]!;
}
