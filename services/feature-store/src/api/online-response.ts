import type { OnlineFeatures } from '../serving/online-features.ts';

/**
 * Feast's column-major answer: the join keys first, then each feature with its values,
 * statuses and event times, each time written by `timeOf` (undefined: nothing stored).
 */
export function onlineColumnsOf<Time>(
  { plan, values }: OnlineFeatures,
  timeOf: (ms: number | undefined) => Time,
) {
  const joinKeys = [...plan.keys];
  return {
    feature_names: [...joinKeys.map(([name]) => name), ...plan.resolved.refs],
    results: [
      ...joinKeys.map(([, keys]) => ({
        values: keys,
        statuses: keys.map(() => 'PRESENT'),
        event_timestamps: keys.map(() => timeOf(undefined)),
      })),
      ...plan.resolved.refs.map((_, j) => ({
        values: values.map((row) => row[j]!.value as unknown),
        statuses: values.map((row) => row[j]!.status as string),
        event_timestamps: values.map((row) => timeOf(row[j]!.eventTimestamp)),
      })),
    ],
  };
}

/** The HTTP answer: event times in ISO 8601, null when nothing is stored. */
export function onlineResponseOf(features: OnlineFeatures) {
  // Every feature of a stored row shares its event time: format each time once, not per value
  // (formatting was most of a 100-entity answer's CPU time).
  const iso = new Map<number, string>();
  const isoOf = (ms: number | undefined): string | null => {
    if (ms === undefined) return null;
    let text = iso.get(ms);
    if (text === undefined) iso.set(ms, (text = new Date(ms).toISOString()));
    return text;
  };
  const { feature_names, results } = onlineColumnsOf(features, isoOf);
  return { metadata: { feature_names }, results };
}
