export interface BatcherOptions<I, O> {
  /** Most requests run together (Triton's max_batch_size); 1 turns batching off. */
  maxBatchSize: number;
  /** Longest the oldest queued request waits for others to join it (max_queue_delay). */
  maxQueueDelayMs: number;
  /** Batches run at once (Triton's instance count): the rest wait in the queue. */
  maxConcurrency: number;
  /** Runs one batch; answers one output per item, in order. */
  run: (items: I[]) => Promise<O[]>;
}

export interface BatcherStats {
  batches: number;
  items: number;
  inFlight: number;
  queued: number;
  largestBatch: number;
}

interface Pending<I, O> {
  item: I;
  queuedAt: number;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export interface DynamicBatcher<I, O> {
  submit(item: I): Promise<O>;
  stats(): BatcherStats;
}

/**
 * Dynamic batching as Triton does it: requests queue; a batch leaves when a runner is free and
 * either a full batch is waiting or the oldest request has waited `maxQueueDelayMs`. Every
 * request is answered exactly once, by the batch it ran in.
 */
export function createBatcher<I, O>(options: BatcherOptions<I, O>): DynamicBatcher<I, O> {
  const queue: Pending<I, O>[] = [];
  const stats: BatcherStats = { batches: 0, items: 0, inFlight: 0, queued: 0, largestBatch: 0 };
  let timer: NodeJS.Timeout | undefined;

  const dispatch = (): void => {
    while (stats.inFlight < options.maxConcurrency && queue.length > 0) {
      const waited = performance.now() - queue[0]!.queuedAt;
      if (queue.length < options.maxBatchSize && waited < options.maxQueueDelayMs) {
        armTimer(options.maxQueueDelayMs - waited);
        return;
      }
      void runBatch(queue.splice(0, options.maxBatchSize));
    }
  };

  const armTimer = (delayMs: number): void => {
    if (timer !== undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        dispatch();
      },
      Math.max(0, delayMs),
    );
  };

  const runBatch = async (batch: Pending<I, O>[]): Promise<void> => {
    stats.inFlight++;
    stats.batches++;
    stats.items += batch.length;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    try {
      const outputs = await options.run(batch.map((pending) => pending.item));
      if (outputs.length !== batch.length) {
        throw new Error(`batch of ${batch.length} answered ${outputs.length} outputs`);
      }
      batch.forEach((pending, i) => pending.resolve(outputs[i]!));
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    } finally {
      stats.inFlight--;
      dispatch();
    }
  };

  return {
    submit: (item) =>
      new Promise<O>((resolve, reject) => {
        queue.push({ item, queuedAt: performance.now(), resolve, reject });
        dispatch();
      }),
    stats: () => ({ ...stats, queued: queue.length }),
  };
}
