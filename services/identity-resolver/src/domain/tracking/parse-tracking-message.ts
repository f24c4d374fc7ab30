import { randomUUID } from 'node:crypto';
import { CALL_TYPES } from './tracking-message.ts';
import type { CallType, TrackingMessage } from './tracking-message.ts';

export type ParseResult = { ok: true; message: TrackingMessage } | { ok: false; reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Segment accepts numeric ids and treats them as strings.
function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function objectOf(value: unknown): Json | undefined {
  return isObject(value) ? value : undefined;
}

function timestampOf(value: unknown, receivedAt: Date): string {
  if (typeof value !== 'string') return receivedAt.toISOString();
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? receivedAt.toISOString() : parsed.toISOString();
}

/** The fields each call type cannot do without, beyond an identity. */
const REQUIRED: Record<CallType, (message: Json) => string | undefined> = {
  identify: () => undefined,
  track: (m) => (typeof m.event === 'string' && m.event !== '' ? undefined : 'track.event_missing'),
  page: () => undefined,
  screen: () => undefined,
  group: (m) => (idOf(m.groupId) === undefined ? 'group.group_id_missing' : undefined),
  alias: (m) => (idOf(m.previousId) === undefined ? 'alias.previous_id_missing' : undefined),
};

/**
 * Validates one call. `type` comes from the URL for the single-call endpoints and from the
 * message in a batch. A call without messageId gets a fresh one, as Segment does: two identical
 * calls (two equal orders) are two events; dedupe relies on the ids Segment libraries send.
 */
export function parseTrackingMessage(
  raw: unknown,
  receivedAt: Date,
  typeFromPath?: CallType,
): ParseResult {
  if (!isObject(raw)) return { ok: false, reason: 'message.not_an_object' };
  const type = typeFromPath ?? raw.type;
  if (typeof type !== 'string' || !(CALL_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: 'message.unknown_type' };
  }
  const callType = type as CallType;
  const userId = idOf(raw.userId);
  const anonymousId = idOf(raw.anonymousId);
  if (userId === undefined && anonymousId === undefined) {
    return { ok: false, reason: 'message.identity_missing' };
  }
  const missing = REQUIRED[callType](raw);
  if (missing !== undefined) return { ok: false, reason: missing };
  return {
    ok: true,
    message: stripUndefined({
      type: callType,
      messageId: idOf(raw.messageId) ?? `generated-${randomUUID()}`,
      userId,
      anonymousId,
      previousId: idOf(raw.previousId),
      groupId: idOf(raw.groupId),
      event: typeof raw.event === 'string' ? raw.event : undefined,
      name: typeof raw.name === 'string' ? raw.name : undefined,
      traits: objectOf(raw.traits),
      properties: objectOf(raw.properties),
      context: objectOf(raw.context),
      timestamp: timestampOf(raw.timestamp, receivedAt),
    }),
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
