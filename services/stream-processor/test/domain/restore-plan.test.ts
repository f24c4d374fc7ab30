import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRestore } from '../../src/domain/restore-plan.ts';
import type { ChangelogPartition, StateCheckpoint } from '../../src/domain/restore-plan.ts';

const changelog: ChangelogPartition = {
  generation: 'g1',
  low: '0',
  high: '500',
  now: 10_000,
  tombstoneRetentionMs: 5_000,
};
const checkpoint: StateCheckpoint = { generation: 'g1', changelogOffset: '300', writtenAt: 9_000 };

describe('restore plan', () => {
  it('replays only the tail beyond a checkpoint of the same generation', () => {
    expect(planRestore(checkpoint, changelog)).toEqual({ kind: 'incremental', from: '300' });
    expect(planRestore({ ...checkpoint, changelogOffset: '500' }, changelog)).toEqual({
      kind: 'incremental',
      from: '500',
    });
  });

  it.each([
    ['no local state', undefined],
    ['local state of another generation', { ...checkpoint, generation: 'g0' }],
    ['local state ahead of the changelog', { ...checkpoint, changelogOffset: '501' }],
    ['local state older than the tombstone retention', { ...checkpoint, writtenAt: 4_000 }],
  ])('rebuilds from scratch when there is %s', (reason, local) => {
    expect(planRestore(local, changelog)).toEqual({ kind: 'full', reason });
  });

  it('rebuilds when the changelog starts beyond the checkpoint', () => {
    expect(planRestore(checkpoint, { ...changelog, low: '301' })).toEqual({
      kind: 'full',
      reason: 'changelog truncated beyond the local state',
    });
  });

  it('never replays a tail from outside the changelog or from a foreign state', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000),
        fc.nat(1_000),
        fc.nat(1_000),
        fc.boolean(),
        (offset, low, span, sameGeneration) => {
          const partition = { ...changelog, low: String(low), high: String(low + span) };
          const local = {
            ...checkpoint,
            changelogOffset: String(offset),
            generation: sameGeneration ? 'g1' : 'g2',
          };
          const plan = planRestore(local, partition);
          if (plan.kind === 'incremental') {
            expect(sameGeneration).toBe(true);
            expect(offset).toBeGreaterThanOrEqual(low);
            expect(offset).toBeLessThanOrEqual(low + span);
          } else {
            expect(sameGeneration && offset >= low && offset <= low + span).toBe(false);
          }
        },
      ),
    );
  });
});
