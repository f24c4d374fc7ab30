import { describe, expect, it } from 'vitest';
import { BatchBuffers } from '../../src/adapters/hash-worker/batch-buffers.ts';

describe('batch buffers', () => {
  it('hands back a returned buffer instead of allocating', () => {
    const buffers = new BatchBuffers(1024, 2);
    const first = buffers.take();
    buffers.give(first.buffer as ArrayBuffer);
    expect(buffers.take().buffer).toBe(first.buffer);
    expect(buffers.take().buffer).not.toBe(first.buffer);
  });

  it('keeps at most `keep` idle buffers, all of the batch size', () => {
    const buffers = new BatchBuffers(1024, 2);
    const taken = [buffers.take(), buffers.take(), buffers.take()];
    taken.forEach((batch) => buffers.give(batch.buffer as ArrayBuffer));
    buffers.give(new ArrayBuffer(10));
    const again = [buffers.take(), buffers.take(), buffers.take()];
    const reused = again.filter((batch) => taken.some((t) => t.buffer === batch.buffer));
    expect(reused).toHaveLength(2);
    expect(again.every((batch) => batch.length === 1024)).toBe(true);
  });
});
