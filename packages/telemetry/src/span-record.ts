import type { Attributes, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** A finished span as plain JSON: what the spans file holds, one per line. */
export interface SpanRecord {
  name: string;
  /** 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: SpanKind;
  traceId: string;
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  links: { traceId: string; spanId: string }[];
  scope: string;
  serviceName: string;
  attributes: Attributes;
  startTimeUnixNano: string;
  durationNanos: string;
}

export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    links: span.links.map(({ context }) => ({ traceId: context.traceId, spanId: context.spanId })),
    scope: span.instrumentationScope.name,
    serviceName: String(span.resource.attributes['service.name']),
    attributes: span.attributes,
    startTimeUnixNano: hrTimeToNanos(span.startTime),
    durationNanos: hrTimeToNanos(span.duration),
  };
}

function hrTimeToNanos([seconds, nanos]: [number, number]): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}
