import type { Telemetry } from './start-telemetry.ts';

const FLUSH_TIMEOUT_MS = 2_000;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Exports buffered telemetry when the process is asked to stop, without taking the shutdown
 * over from the app:
 * - a signal with an app handler: flush in parallel with the app's graceful shutdown, which
 *   decides when to exit; the final spans go out when the event loop drains (`beforeExit`);
 * - a signal with no app handler: shut down (at most FLUSH_TIMEOUT_MS) then die of the signal
 *   as Node would have;
 * - the event loop draining: shut down, once.
 * Spans ended just before an explicit process.exit() can be lost: `exit` handlers cannot wait.
 */
export function flushOnExit(telemetry: Telemetry): void {
  let stopped = false;
  const stop = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    stopped = true;
    return withTimeout(telemetry.shutdown());
  };
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) {
        void withTimeout(telemetry.forceFlush());
        return;
      }
      void stop().finally(() => {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
  process.on('beforeExit', () => void stop());
}

// Exporting must never hold the process hostage when the collector is slow or gone.
async function withTimeout(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FLUSH_TIMEOUT_MS).unref();
  });
  try {
    await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
