import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { InputError } from '@scale-models/errors';
import type { ServiceApp } from '@scale-models/service-kit';

export const CSV = 'text/csv';
export const NDJSON = 'application/x-ndjson';

/** Streams the body through untouched for CSV and NDJSON, so big files never sit in memory. */
export function acceptRecordStreams(app: ServiceApp): void {
  for (const type of [CSV, NDJSON]) {
    app.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
  }
}

/** Source records from a CSV (header line names the columns), NDJSON or JSON array body. */
export function recordsOf(
  contentType: string | undefined,
  body: unknown,
): AsyncIterable<Record<string, unknown>> | Record<string, unknown>[] {
  const type = contentType?.split(';')[0]?.trim();
  if (type === CSV) return csvRecords(body as Readable);
  if (type === NDJSON) return ndjsonRecords(body as Readable);
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  throw new InputError(
    'request.records_expected',
    'send text/csv, application/x-ndjson, or a JSON array of rows',
    { details: { field: 'body' } },
  );
}

async function* csvRecords(stream: Readable): AsyncGenerator<Record<string, unknown>> {
  const parser = stream.pipe(parse({ columns: true, skip_empty_lines: true, trim: true }));
  try {
    for await (const record of parser) yield record as Record<string, unknown>;
  } catch (error) {
    throw new InputError(
      'request.malformed_csv',
      `the CSV body is malformed: ${(error as Error).message}`,
      { details: { field: 'body' } },
    );
  }
}

async function* ndjsonRecords(stream: Readable): AsyncGenerator<Record<string, unknown>> {
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      throw new InputError('request.malformed_json', `line ${line} is not JSON`, {
        details: { field: `body[${line}]` },
      });
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new InputError('request.malformed_json', `line ${line} is not a JSON object`, {
        details: { field: `body[${line}]` },
      });
    }
    yield record as Record<string, unknown>;
  }
}
