import type { Consumer, ConsumerRunConfig } from 'kafkajs';

/**
 * Runs `consumer` with `config` and keeps it running across broker outages. kafkajs restarts a
 * crashed consumer only after errors it deems retriable; an outage that outlasts its retries
 * ends in one it does not ("Failed to find group coordinator"), and the consumer then stays
 * stopped while the process lives on. This starts it again every `delayMs` until it runs.
 * Returns what stops the restarting (call it before `consumer.disconnect()`).
 */
export async function keepConsumerRunning(
  consumer: Consumer,
  config: ConsumerRunConfig,
  delayMs = 1_000,
): Promise<() => void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const later = () => {
    if (!stopped) timer = setTimeout(() => void rerun(), delayMs);
  };
  const rerun = async () => {
    try {
      await consumer.connect();
      // Stopped while connecting: the caller's disconnect may already have run.
      if (stopped) return void (await consumer.disconnect());
      await consumer.run(config);
    } catch {
      later(); // the broker is still away
    }
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) later();
  });
  await consumer.run(config);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
