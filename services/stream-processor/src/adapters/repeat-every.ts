/**
 * Runs `work` every `intervalMs`, one run at a time (the next waits for the previous to end).
 * A failed run is retried by the next one: this is for housekeeping whose every round starts
 * from what Kafka says now, so nothing is lost by skipping one.
 */
export function repeatEvery(intervalMs: number, work: () => Promise<void>): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      running = work()
        .catch(() => undefined)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
