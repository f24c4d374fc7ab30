import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '@scale-models/errors';
import type { RoutePlugin } from '@scale-models/service-kit';
import { parseTrackingMessage } from '../domain/tracking/parse-tracking-message.ts';
import type { CallType, ReceivedEvent } from '../domain/tracking/tracking-message.ts';
import { CALL_TYPES } from '../domain/tracking/tracking-message.ts';
import type { IngestStats } from './ingest-stats.ts';

export interface TrackingDeps {
  /** write key → source name */
  writeKeys: Map<string, string>;
  publish(events: ReceivedEvent[]): Promise<void>;
  stats: IngestStats;
}

const KB = 1024;
const EVENT_LIMIT = 32 * KB;
const BATCH_LIMIT = 500 * KB;
// Read more than the batch limit, so an oversize batch gets Segment's 400, not a 413.
const READ_LIMIT = 4 * BATCH_LIMIT;
const ACCEPTED = { success: true } as const;

/**
 * The Segment Tracking API. Segment answers 200 to everything except invalid JSON and
 * oversize payloads (400); a wrong write key or an invalid call is accepted and dropped. We
 * answer the same, so unmodified clients behave as against api.segment.io, and count every drop.
 */
export function trackingRoutes(deps: TrackingDeps): RoutePlugin {
  return (app) => {
    // Raw bytes: the size limits are Segment's, and analytics.js posts JSON as text/plain.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'buffer', bodyLimit: READ_LIMIT },
      (_request, body, done) => {
        done(null, body);
      },
    );
    app.post('/v1/batch', { schema: { hide: true } }, (request, reply) =>
      receive(deps, request, reply, undefined),
    );
    for (const type of CALL_TYPES) {
      app.post(`/v1/${type}`, { schema: { hide: true } }, (request, reply) =>
        receive(deps, request, reply, type),
      );
    }
  };
}

async function receive(
  deps: TrackingDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  type: CallType | undefined,
) {
  const body = request.body;
  if (!Buffer.isBuffer(body))
    throw new InputError('tracking.body_missing', 'Send the call as a JSON body.');
  if (body.length > (type === undefined ? BATCH_LIMIT : EVENT_LIMIT)) {
    deps.stats.count('payload_too_large');
    throw new InputError(
      'tracking.payload_too_large',
      `Calls are limited to 32 KB and batches to 500 KB; this one is ${body.length} bytes.`,
    );
  }
  const parsed = parseJson(body, deps.stats);
  const source = sourceOf(deps, request, parsed);
  const raw = type === undefined ? batchOf(parsed) : [parsed];
  for (const message of raw) {
    if (Buffer.byteLength(JSON.stringify(message)) > EVENT_LIMIT) {
      deps.stats.count('payload_too_large');
      throw new InputError('tracking.event_too_large', 'A call in the batch is larger than 32 KB.');
    }
  }
  if (source === undefined) {
    deps.stats.count('invalid_write_key', raw.length);
    return reply.send(ACCEPTED);
  }
  const receivedAt = new Date();
  const accepted: ReceivedEvent[] = [];
  for (const message of raw) {
    const result = parseTrackingMessage(message, receivedAt, type);
    if (!result.ok) deps.stats.count(result.reason);
    else accepted.push({ ...result.message, source, receivedAt: receivedAt.toISOString() });
  }
  await deps.publish(accepted);
  deps.stats.count('accepted', accepted.length);
  return reply.send(ACCEPTED);
}

function parseJson(body: Buffer, stats: IngestStats): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    stats.count('malformed_json');
    throw new InputError('tracking.malformed_json', 'The body is not valid JSON.');
  }
}

function batchOf(parsed: unknown): unknown[] {
  const batch = (parsed as { batch?: unknown } | null)?.batch;
  if (!Array.isArray(batch))
    throw new InputError('tracking.batch_missing', 'A batch call needs a `batch` array.');
  return batch;
}

/** The source whose write key is the Basic auth user name (or, as Segment also allows, `writeKey` in the body). */
function sourceOf(
  deps: TrackingDeps,
  request: FastifyRequest,
  parsed: unknown,
): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ') === true) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return deps.writeKeys.get(decoded.split(':')[0] ?? '');
  }
  const fromBody = (parsed as { writeKey?: unknown } | null)?.writeKey;
  return typeof fromBody === 'string' ? deps.writeKeys.get(fromBody) : undefined;
}
