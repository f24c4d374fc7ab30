import { meter } from '@scale-models/telemetry';
import type { OnlineValue } from '../domain/online-value.ts';

export interface FeatureFreshness {
  served: number;
  present: number;
  missing: number;
  expired: number;
  /** Age of served values at serving time, seconds. */
  mean_age_seconds: number;
  max_age_seconds: number;
}

export interface FreshnessMonitor {
  record(refs: string[], values: OnlineValue[][], nowMs: number): void;
  snapshot(): Record<string, FeatureFreshness>;
}

/**
 * Feature age at serving time, per feature: an OpenTelemetry histogram for dashboards and a
 * running summary for the API (`GET /v1/monitoring/freshness`).
 */
export function createFreshnessMonitor(): FreshnessMonitor {
  const ageHistogram = meter('feature-store').createHistogram('feature_store.feature_age', {
    unit: 's',
    description: 'Age of a served feature value (now minus its event time)',
  });
  const byFeature = new Map<string, FeatureFreshness>();
  return {
    record(refs, values, nowMs) {
      refs.forEach((ref, j) => {
        const entry = byFeature.get(ref) ?? {
          served: 0,
          present: 0,
          missing: 0,
          expired: 0,
          mean_age_seconds: 0,
          max_age_seconds: 0,
        };
        for (const row of values) {
          const value = row[j]!;
          entry.served++;
          if (value.status === 'NOT_FOUND') entry.missing++;
          else if (value.status === 'OUTSIDE_MAX_AGE') entry.expired++;
          else {
            entry.present++;
            const age = (nowMs - value.eventTimestamp!) / 1000;
            entry.mean_age_seconds += (age - entry.mean_age_seconds) / entry.present;
            entry.max_age_seconds = Math.max(entry.max_age_seconds, age);
            ageHistogram.record(age, { feature: ref });
          }
        }
        byFeature.set(ref, entry);
      });
    },
    snapshot: () =>
      Object.fromEntries([...byFeature].map(([ref, summary]) => [ref, { ...summary }])),
  };
}
