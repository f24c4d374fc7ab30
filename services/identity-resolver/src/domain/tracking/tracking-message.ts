/**
 * A Segment Tracking API call as received (https://segment.com/docs/connections/spec/): the
 * common fields and those of each call type. Anything else a client sends is kept as is.
 */
export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export interface TrackingMessage {
  type: CallType;
  messageId: string;
  userId?: string;
  anonymousId?: string;
  previousId?: string;
  groupId?: string;
  /** track: the event name; page/screen: the page name. */
  event?: string;
  name?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** When it happened, ISO 8601: the client's `timestamp`, else the time we received it. */
  timestamp: string;
}

/** A message after ingestion: what the event topic carries. */
export interface ReceivedEvent extends TrackingMessage {
  /** The source whose write key sent it. */
  source: string;
  receivedAt: string;
}
