import { describe, expect, it } from 'vitest';
import { planPurge } from '../../src/domain/purge-plan.ts';

describe('repartition purge plan', () => {
  it('deletes up to the committed offset, only where that is past the earliest', () => {
    const committed = [
      { partition: 0, offset: '120' },
      { partition: 1, offset: '40' },
      { partition: 2, offset: '-1' },
    ];
    const earliest = [
      { partition: 0, offset: '100' },
      { partition: 1, offset: '40' },
      { partition: 2, offset: '0' },
    ];
    expect(planPurge(committed, earliest)).toEqual([{ partition: 0, offset: '120' }]);
  });
});
