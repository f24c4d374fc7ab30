import type { Meter } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';

/**
 * The meter a miniature uses for the metrics that prove its design claim (shards healed,
 * routing success rate...); a no-op until the SDK starts with a metric reader.
 */
export function meter(name: string, version?: string): Meter {
  return metrics.getMeter(name, version);
}
