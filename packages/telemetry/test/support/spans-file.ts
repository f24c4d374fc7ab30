import { existsSync, readFileSync } from 'node:fs';
import type { SpanRecord } from '../../src/index.ts';
import { parseJsonLines } from './child-app.ts';

/** The spans a child process has written to its TELEMETRY_SPANS_FILE so far. */
export function readSpans(path: string): SpanRecord[] {
  if (!existsSync(path)) return [];
  return parseJsonLines(readFileSync(path, 'utf8')) as unknown as SpanRecord[];
}

/** The span's ancestors inside `spans`, nearest first. */
export function ancestors(span: SpanRecord, spans: SpanRecord[]): SpanRecord[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const chain: SpanRecord[] = [];
  for (let parent = byId.get(span.parentSpanId ?? ''); parent;) {
    chain.push(parent);
    parent = byId.get(parent.parentSpanId ?? '');
  }
  return chain;
}
