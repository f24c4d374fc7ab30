import { describe, expect, it } from 'vitest';
import { eventually } from '../src/index.ts';

describe('eventually', () => {
  it('returns the value once the check stops throwing', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return 'ready';
    });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('fails after the timeout with the last error as cause', async () => {
    const failure = eventually(
      () => {
        throw new Error('never ready');
      },
      { timeoutMs: 100, intervalMs: 10 },
    );
    await expect(failure).rejects.toMatchObject({
      message: 'eventually: still failing after 100 ms',
      cause: new Error('never ready'),
    });
  });
});
