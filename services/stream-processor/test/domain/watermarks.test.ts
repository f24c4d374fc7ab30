import { describe, expect, it } from 'vitest';
import {
  currentWatermark,
  initialWatermark,
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
