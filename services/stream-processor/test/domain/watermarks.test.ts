import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currentWatermark,
  expectSources,
  initialWatermark,
  markIdle,
  observeEvent,
} from '../../src/domain/watermark-tracker.ts';

const OPTIONS = { outOfOrdernessMs: 100, idleTimeoutMs: 1_000 };

describe('watermarks', () => {
  it('is the minimum over partitions, minus the out-of-orderness', () => {
    const state = initialWatermark();
    observeEvent(state, 'p0', 5_000, 0);
    observeEvent(state, 'p1', 2_000, 0);
    expect(currentWatermark(state, OPTIONS, 10)).toBe(1_900);
    observeEvent(state, 'p1', 7_000, 20);
    expect(currentWatermark(state, OPTIONS, 30)).toBe(4_900);
  });

  it('leaves an idle partition out so it cannot stall every window', () => {
    const state = initialWatermark();
    observeEvent(state, 'quiet', 1_000, 0);
    observeEvent(state, 'busy', 9_000, 1_500);
    expect(currentWatermark(state, OPTIONS, 1_600)).toBe(8_900);
  });

  it('never goes back, even when a slower partition wakes up', () => {
    const state = initialWatermark();
    observeEvent(state, 'p0', 9_000, 0);
    expect(currentWatermark(state, OPTIONS, 0)).toBe(8_900);
    observeEvent(state, 'p1', 1_000, 10);
    expect(currentWatermark(state, OPTIONS, 10)).toBe(8_900);
  });
});

describe('idle sources', () => {
  it('a source announced idle is left out until it sends again', () => {
    const state = initialWatermark();
    expectSources(state, ['p0', 'p1'], 0);
    observeEvent(state, 'p0', 5_000, 0);
    expect(currentWatermark(state, OPTIONS, 0)).toBe(-1);
    markIdle(state, 'p1', 10);
    expect(currentWatermark(state, OPTIONS, 10)).toBe(4_900);
    // It wakes up behind: the watermark waits for it, but does not go back.
    observeEvent(state, 'p1', 3_000, 20);
    observeEvent(state, 'p0', 8_000, 20);
    expect(currentWatermark(state, OPTIONS, 20)).toBe(4_900);
    observeEvent(state, 'p1', 6_000, 30);
    expect(currentWatermark(state, OPTIONS, 30)).toBe(5_900);
  });

  it('flushes to the newest source when every source is idle: none will move on', () => {
    const state = initialWatermark();
    expectSources(state, ['p0', 'p1', 'p2'], 0);
    observeEvent(state, 'p0', 5_000, 0);
    observeEvent(state, 'p1', 9_000, 0);
    expect(currentWatermark(state, OPTIONS, 0)).toBe(-1);
    // Announced in any order, even the silent one last: the result is the same.
    markIdle(state, 'p0', 10);
    markIdle(state, 'p1', 10);
    expect(currentWatermark(state, OPTIONS, 10)).toBe(-1);
    markIdle(state, 'p2', 10);
    expect(currentWatermark(state, OPTIONS, 10)).toBe(8_900);
  });

  it('never goes back, whatever sources go idle and wake up (fast-check)', () => {
    const step = fc.record({
      source: fc.constantFrom('p0', 'p1', 'p2'),
      action: fc.constantFrom('event', 'idle'),
      time: fc.integer({ min: 0, max: 100_000 }),
      elapsed: fc.integer({ min: 0, max: 2_000 }),
    });
    fc.assert(
      fc.property(fc.array(step), (steps) => {
        const state = initialWatermark();
        let now = 0;
        let before = currentWatermark(state, OPTIONS, now);
        for (const { source, action, time, elapsed } of steps) {
          now += elapsed;
          if (action === 'event') observeEvent(state, source, time, now);
          else markIdle(state, source, now);
          const after = currentWatermark(state, OPTIONS, now);
          expect(after).toBeGreaterThanOrEqual(before);
          before = after;
        }
      }),
    );
  });
});
