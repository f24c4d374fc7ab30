import { defineEventContract } from '@scale-models/kafka';
import { CLICKS_TOPIC } from './streams.ts';

export interface Click {
  user: string;
  page: string;
  country: string;
  amount: number;
  /** Event time, ms since the epoch. */
  ts: number;
}

/** The demo's input: a click (or card use) by a user, at an event time. */
export const clickRecorded = (topic = CLICKS_TOPIC) =>
  defineEventContract<Click>({
    topic,
    type: 'scale-models.stream-processor.click.recorded.v1',
    schema: {
      type: 'object',
      required: ['user', 'page', 'country', 'amount', 'ts'],
      additionalProperties: false,
      properties: {
        user: { type: 'string', minLength: 1, maxLength: 64 },
        page: { type: 'string', minLength: 1, maxLength: 256 },
        country: { type: 'string', pattern: '^[A-Z]{2}$' },
        amount: { type: 'number' },
        ts: { type: 'integer', minimum: 0 },
      },
    },
  });
