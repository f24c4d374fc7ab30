import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeShards } from '../../src/domain/placement.ts';

const nodeIds = (count: number) => Array.from({ length: count }, (_, i) => `node-${i + 1}`);

describe('placeShards (rendezvous hashing)', () => {
  it('picks k+m distinct nodes, the same ones for the same segment whatever the node order', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 4 }),
        (id, extra, width) => {
          const nodes = nodeIds(width + extra);
          const placed = placeShards(id, nodes, width);
          expect(new Set(placed).size).toBe(width);
          expect(placeShards(id, [...nodes].reverse(), width)).toEqual(placed);
        },
      ),
    );
  });

  it('moves only the segments whose erasure set held a removed node', () => {
    const nodes = nodeIds(12);
    const segments = Array.from({ length: 2000 }, (_, i) => `segment-${i}`);
    const before = new Map(segments.map((id) => [id, placeShards(id, nodes, 6)]));
    const survivors = nodes.filter((node) => node !== 'node-7');
    for (const id of segments) {
      const old = before.get(id)!;
      const now = placeShards(id, survivors, 6);
      if (!old.includes('node-7')) expect(now).toEqual(old);
      // Shards on surviving nodes keep their node; only node-7's shard finds a new home.
      else expect(now.filter((node) => old.includes(node))).toHaveLength(5);
    }
  });

  it('spreads shards evenly over the nodes', () => {
    const nodes = nodeIds(12);
    const load = new Map(nodes.map((node) => [node, 0]));
    for (let i = 0; i < 6000; i += 1) {
      for (const node of placeShards(`segment-${i}`, nodes, 6)) load.set(node, load.get(node)! + 1);
    }
    // 36,000 shards over 12 nodes: 3,000 each on average.
    for (const count of load.values()) expect(Math.abs(count - 3000)).toBeLessThan(300);
  });

  it('refuses more shards than nodes, and duplicate node ids', () => {
    expect(() => placeShards('s', nodeIds(5), 6)).toThrow(/6 shards need 6 nodes/);
    expect(() => placeShards('s', ['a', 'a', 'b'], 2)).toThrow(/unique/);
  });
});
