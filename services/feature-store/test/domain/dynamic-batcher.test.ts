import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../src/domain/dynamic-batcher.ts';

describe('createBatcher', () => {
  it('answers every request exactly once, from its own batch, within the size and concurrency limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }),
        async (maxBatchSize, maxConcurrency, gaps) => {
          let inFlight = 0;
          let peak = 0;
          const sizes: number[] = [];
          const batcher = createBatcher<number, string>({
            maxBatchSize,
            maxQueueDelayMs: 1,
            maxConcurrency,
            run: async (items) => {
              inFlight++;
              peak = Math.max(peak, inFlight);
              sizes.push(items.length);
              await new Promise((resolve) => setTimeout(resolve, 1));
              inFlight--;
              return items.map((item) => `answer-${item}`);
            },
          });
          const answers: Promise<string>[] = [];
          for (const [i, gap] of gaps.entries()) {
            answers.push(batcher.submit(i));
            if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
          }
          expect(await Promise.all(answers)).toEqual(gaps.map((_, i) => `answer-${i}`));
          expect(sizes.reduce((a, b) => a + b, 0)).toBe(gaps.length);
          expect(Math.max(...sizes)).toBeLessThanOrEqual(maxBatchSize);
          expect(peak).toBeLessThanOrEqual(maxConcurrency);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('runs a full batch at once and waits at most the queue delay for a partial one', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number, number>({
      maxBatchSize: 4,
      maxQueueDelayMs: 20,
      maxConcurrency: 1,
      run: (items) => {
        sizes.push(items.length);
        return Promise.resolve(items);
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.submit(i)));
    expect(sizes).toEqual([4, 1]);
    expect(batcher.stats()).toMatchObject({
      batches: 2,
      items: 5,
      largestBatch: 4,
      inFlight: 0,
      queued: 0,
    });
  });

  it('fails every request of a failed batch and keeps serving the next', async () => {
    let calls = 0;
    const batcher = createBatcher<number, number>({
      maxBatchSize: 2,
      maxQueueDelayMs: 5,
      maxConcurrency: 1,
      run: (items) =>
        calls++ === 0 ? Promise.reject(new Error('model crashed')) : Promise.resolve(items),
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await batcher.submit(3)).toBe(3);
  });
});
