import { appendFileSync } from 'node:fs';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { SpanRecord } from './span-record.ts';
import { toSpanRecord } from './span-record.ts';

/**
 * Appends each finished span as one JSON line to a file. Writes are synchronous, so a span
 * is on disk as soon as it ends, even if the process then exits abruptly: a test can read
 * the spans of a child process without waiting for its shutdown.
 */
export class JsonLinesSpanExporter implements SpanExporter {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => JSON.stringify(toSpanRecord(span)) + '\n').join('');
      appendFileSync(this.#path, lines);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export type { SpanRecord };
