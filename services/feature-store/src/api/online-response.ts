import type { OnlineFeatures } from '../serving/online-features.ts';

/**
 * Feast's get-online-features response: column-major, the join keys first, then each feature
 * with its values, statuses and event timestamps (ISO 8601, null when nothing is stored).
 */
export function onlineResponseOf({ plan, values }: OnlineFeatures) {
  const joinKeys = [...plan.keys];
  return {
    metadata: { feature_names: [...joinKeys.map(([name]) => name), ...plan.resolved.refs] },
    results: [
      ...joinKeys.map(([, keys]) => ({
        values: keys,
        statuses: keys.map(() => 'PRESENT'),
        event_timestamps: keys.map(() => null),
      })),
      ...plan.resolved.refs.map((_, j) => ({
        values: values.map((row) => row[j]!.value),
        statuses: values.map((row) => row[j]!.status),
        event_timestamps: values.map((row) =>
          row[j]!.eventTimestamp === undefined
            ? null
            : new Date(row[j]!.eventTimestamp).toISOString(),
        ),
      })),
    ],
  };
}
