import type { RoutePlugin } from '@scale-models/service-kit';
import type { Scrubber } from '../healing/scrubber.ts';
import type { StoreMetrics } from '../healing/store-metrics.ts';

/**
 * The store's own operations beside the S3 API, under `/_store` (an underscore cannot start a
 * bucket name, so no bucket is shadowed): what the healer has done, and a way to run a scrub
 * pass now instead of at the next interval (the tour and workshops use it).
 */
export function storeRoutes(metrics: StoreMetrics, scrubber: Scrubber): RoutePlugin {
  return (app) => {
    app.get('/_store/metrics', () => metrics.snapshot());
    app.post('/_store/scrub', async () => {
      await scrubber.runPass();
      return metrics.snapshot();
    });
  };
}
