import { defineEventContract } from '@scale-models/kafka';
import type { EventContract } from '@scale-models/kafka';
import type { ReceivedEvent } from './domain/tracking/tracking-message.ts';

export interface SegmentMembershipChange {
  segmentId: string;
  profileId: string;
  at: string;
}

/** A profile as the compacted snapshot topic carries it (a tombstone once merged or erased). */
export interface ProfileSnapshot {
  profileId: string;
  identities: { type: string; value: string }[];
  traits: Record<string, unknown>;
  computed: Record<string, unknown>;
  updatedAt: string;
}

export interface Contracts {
  eventReceived: EventContract<ReceivedEvent>;
  profileSnapshot: EventContract<ProfileSnapshot>;
  segmentEntered: EventContract<SegmentMembershipChange>;
  segmentExited: EventContract<SegmentMembershipChange>;
}

const membershipSchema = {
  type: 'object',
  required: ['segmentId', 'profileId', 'at'],
  additionalProperties: false,
  properties: {
    segmentId: { type: 'string' },
    profileId: { type: 'string', format: 'uuid' },
    at: { type: 'string', format: 'date-time' },
  },
};

/**
 * The topics of this miniature under a namespace (`identity-resolver` in production; tests
 * pass a unique one so runs never share topics): `<namespace>.<entity>.<event>.v1`.
 */
export function contractsFor(namespace = 'identity-resolver'): Contracts {
  const define = <T>(entityEvent: string, schema: Record<string, unknown>) =>
    defineEventContract<T>({
      topic: `${namespace}.${entityEvent}.v1`,
      type: `scale-models.identity-resolver.${entityEvent}.v1`,
      schema,
    });
  return {
    eventReceived: define<ReceivedEvent>('event.received', {
      type: 'object',
      required: ['type', 'messageId', 'source', 'receivedAt', 'timestamp'],
      properties: {
        type: { enum: ['identify', 'track', 'page', 'screen', 'group', 'alias'] },
        messageId: { type: 'string', minLength: 1 },
        source: { type: 'string', minLength: 1 },
        receivedAt: { type: 'string', format: 'date-time' },
        timestamp: { type: 'string', format: 'date-time' },
      },
    }),
    profileSnapshot: define<ProfileSnapshot>('profile.snapshot', {
      type: 'object',
      required: ['profileId', 'identities', 'traits', 'computed', 'updatedAt'],
      properties: {
        profileId: { type: 'string', format: 'uuid' },
        identities: { type: 'array', items: { type: 'object' } },
        traits: { type: 'object' },
        computed: { type: 'object' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
    }),
    segmentEntered: define<SegmentMembershipChange>('segment.entered', membershipSchema),
    segmentExited: define<SegmentMembershipChange>('segment.exited', membershipSchema),
  };
}
