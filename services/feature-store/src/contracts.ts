import { defineEventContract } from '@scale-models/kafka';

/** Where a push goes: Feast's PushMode. */
export type PushTarget = 'online' | 'offline' | 'online_and_offline';

export interface FeatureValuesPushed {
  feature_view: string;
  to: PushTarget;
  /** Source records: join key, event_timestamp, features (as in a CSV line). */
  rows: Record<string, unknown>[];
}

/** Fresh feature values pushed by a stream job: consumed straight into online and offline. */
export const featureValuesPushed = defineEventContract<FeatureValuesPushed>({
  topic: 'feature-store.feature-values.pushed.v1',
  type: 'scale-models.feature-store.feature-values.pushed.v1',
  schema: {
    type: 'object',
    required: ['feature_view', 'to', 'rows'],
    additionalProperties: false,
    properties: {
      feature_view: { type: 'string' },
      to: { enum: ['online', 'offline', 'online_and_offline'] },
      rows: { type: 'array', minItems: 1, maxItems: 10000, items: { type: 'object' } },
    },
  },
});
