import type { Logger } from 'pino';
import type { FeatureStore } from '../feature-store.ts';
import { materializeViews } from './materializer.ts';

/** Incremental materialization of every view every `intervalMs` (0: never), one run at a time. */
export function startMaterializeSchedule(
  store: FeatureStore,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  if (intervalMs === 0) return { stop: () => Promise.resolve() };
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        const reports = await materializeViews(
          store.pool,
          store.online,
          store.registry.current(),
          undefined,
          {
            mode: 'incremental',
            batchSize: store.materializeBatchSize,
          },
        );
        const written = reports.reduce((sum, r) => sum + r.written, 0);
        if (written > 0) logger.info({ reports }, 'scheduled materialization');
      } catch (error) {
        logger.warn({ err: error }, 'scheduled materialization failed; the next run retries');
      }
    });
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
