import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';
import { traceFields } from './trace-fields.ts';

export interface LoggerOptions {
  /** Component name, written as `name` on every line. */
  name: string;
  /** pino level; defaults to LOG_LEVEL, then `info`. */
  level?: string;
  /** Where JSON lines go; stdout by default. */
  destination?: DestinationStream;
}

/** Headers that carry credentials: logged as [Redacted], never in clear. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
];

/** A JSON pino logger whose lines carry `trace_id` and `span_id` when a span is active. */
export function createLogger({ name, level, destination }: LoggerOptions): Logger {
  const options = {
    name,
    level: level ?? process.env.LOG_LEVEL ?? 'info',
    mixin: traceFields,
    redact: REDACTED_PATHS,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
