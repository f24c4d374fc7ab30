import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, NotEnoughShardsError } from '../src/index.ts';
import type { ErasureCodec, KernelName } from '../src/index.ts';

const KERNELS: KernelName[] = ['wasm', 'typescript'];

/** A random stripe shape, its data, and up to m shard indexes to lose. */
const stripe = fc
  .record({
    k: fc.integer({ min: 1, max: 12 }),
    m: fc.integer({ min: 0, max: 6 }),
    length: fc.integer({ min: 0, max: 300 }),
  })
  .chain(({ k, m, length }) =>
    fc.record({
      k: fc.constant(k),
      m: fc.constant(m),
      data: fc.array(fc.uint8Array({ minLength: length, maxLength: length }), {
        minLength: k,
        maxLength: k,
      }),
      lost: fc.shuffledSubarray(
        Array.from({ length: k + m }, (_, i) => i),
        { maxLength: m },
      ),
    }),
  );

function codecs(k: number, m: number): ErasureCodec[] {
  return KERNELS.map((kernel) => createCodec({ dataShards: k, parityShards: m, kernel }));
}

function randomData(k: number, length: number): Uint8Array[] {
  return Array.from({ length: k }, () => new Uint8Array(randomBytes(length)));
}

function without(
  shards: readonly Uint8Array[],
  lost: readonly number[],
): (Uint8Array | undefined)[] {
  return shards.map((shard, index) => (lost.includes(index) ? undefined : shard));
}

const hex = (shards: readonly Uint8Array[]) => shards.map((s) => Buffer.from(s).toString('hex'));

describe('createCodec', () => {
  it('defaults to the wasm kernel and reports its shape', () => {
    const codec = createCodec({ dataShards: 4, parityShards: 2 });
    expect(codec).toMatchObject({ dataShards: 4, parityShards: 2, kernel: 'wasm' });
  });

  it.each([
    [{ dataShards: 0, parityShards: 2 }, 'dataShards must be an integer >= 1, got 0'],
    [{ dataShards: 2.5, parityShards: 2 }, 'dataShards must be an integer >= 1'],
    [{ dataShards: 4, parityShards: -1 }, 'parityShards must be an integer >= 0, got -1'],
    [{ dataShards: 200, parityShards: 57 }, 'must be at most 256 in GF(2^8), got 257'],
  ])('rejects %o', (options, message) => {
    expect(() => createCodec(options)).toThrow(message);
  });

  it('rejects an unknown kernel', () => {
    const options = { dataShards: 4, parityShards: 2, kernel: 'gpu' as KernelName };
    expect(() => createCodec(options)).toThrow("kernel must be 'wasm' or 'typescript', got gpu");
  });
});

describe('encode', () => {
  it('matches a hand-computed stripe (k = 2, m = 1: parity = 0x8e · d0 + 0xf4 · d1)', () => {
    // C = [1/(2^0), 1/(2^1)] = [inverse of 2, inverse of 3] = [0x8e, 0xf4]; 2 · 0x8e = 1 = 3 · 0xf4
    for (const codec of codecs(2, 1)) {
      const parity = codec.encode([Uint8Array.of(1, 0, 2, 1), Uint8Array.of(0, 1, 3, 1)]);
      expect(hex(parity)).toEqual(['8ef4007a']);
    }
  });

  it('gives the same bytes with both kernels (property)', () => {
    fc.assert(
      fc.property(stripe, ({ k, m, data }) => {
        const [wasm, typescript] = codecs(k, m).map((codec) => codec.encode(data));
        expect(hex(wasm!)).toEqual(hex(typescript!));
        expect(wasm).toHaveLength(m);
      }),
    );
  });

  it('gives the same bytes with both kernels across staging blocks (16 x 1 MiB + 5 bytes)', () => {
    const data = randomData(12, (1 << 20) + 5);
    const [wasm, typescript] = codecs(12, 4).map((codec) => codec.encode(data));
    expect(wasm!.map((p) => p.length)).toEqual([1, 2, 3, 4].map(() => (1 << 20) + 5));
    expect(hex(wasm!)).toEqual(hex(typescript!));
  });

  it('encodeInto writes the same parity into the given buffers', () => {
    for (const codec of codecs(5, 3)) {
      const data = randomData(5, 1000);
      const parity = [1, 2, 3].map(() => new Uint8Array(1000).fill(0xff));
      codec.encodeInto(data, parity);
      expect(hex(parity)).toEqual(hex(codec.encode(data)));
    }
  });

  it.each(KERNELS)('handles edge shapes with the %s kernel', (kernel) => {
    const single = createCodec({ dataShards: 1, parityShards: 3, kernel });
    const data = Uint8Array.of(0, 1, 2, 255);
    const parity = single.encode([data]);
    expect(parity).toHaveLength(3);
    expect(single.reconstruct([undefined, ...parity])[0]).toEqual(data);

    const noParity = createCodec({ dataShards: 3, parityShards: 0, kernel });
    const shards = randomData(3, 10);
    expect(noParity.encode(shards)).toEqual([]);
    expect(noParity.verify(shards)).toBe(true);
    expect(noParity.reconstruct(shards)).toEqual(shards);

    const empty = createCodec({ dataShards: 3, parityShards: 2, kernel });
    expect(empty.encode(randomData(3, 0)).map((p) => p.length)).toEqual([0, 0]);
  });

  it.each(KERNELS)('rejects wrong shapes with the %s kernel', (kernel) => {
    const codec = createCodec({ dataShards: 3, parityShards: 2, kernel });
    expect(() => codec.encode(randomData(2, 8))).toThrow('expected 3 data shards, got 2');
    expect(() => codec.encode([...randomData(2, 8), new Uint8Array(7)])).toThrow(
      'shards must have equal lengths: expected 8 bytes, shard 2 has 7',
    );
    expect(() => codec.encode([...randomData(2, 8), 'text' as unknown as Uint8Array])).toThrow(
      'shard 2 is not a Uint8Array',
    );
    expect(() =>
      codec.encodeInto(randomData(3, 8), [new Uint8Array(8), new Uint8Array(9)]),
    ).toThrow('shard 1 has 9');
  });
});

describe('reconstruct', () => {
  it('rebuilds every erasure pattern of up to m shards exactly, with both kernels (property)', () => {
    fc.assert(
      fc.property(stripe, ({ k, m, data, lost }) => {
        for (const codec of codecs(k, m)) {
          const complete = [...data, ...codec.encode(data)];
          const damaged = without(complete, lost);
          const rebuilt = codec.reconstruct(damaged);
          expect(hex(rebuilt)).toEqual(hex(complete));
          damaged.forEach((shard, index) => shard && expect(rebuilt[index]).toBe(shard));

          const healed = complete.map((shard, index) =>
            lost.includes(index) ? new Uint8Array(shard.length) : shard,
          );
          codec.reconstructInto(healed, lost);
          expect(hex(healed)).toEqual(hex(complete));
        }
      }),
    );
  });

  it('rebuilds the same pattern again from its cached decode matrix, for new stripes', () => {
    const codec = createCodec({ dataShards: 6, parityShards: 3 });
    for (let round = 0; round < 3; round++) {
      const data = randomData(6, 4096);
      const complete = [...data, ...codec.encode(data)];
      expect(hex(codec.reconstruct(without(complete, [0, 4, 7])))).toEqual(hex(complete));
    }
  });

  it('rebuilds the widest code GF(2^8) allows (250 + 6)', () => {
    const codec = createCodec({ dataShards: 250, parityShards: 6 });
    const data = randomData(250, 100);
    const complete = [...data, ...codec.encode(data)];
    const lost = [0, 17, 128, 249, 250, 255];
    expect(hex(codec.reconstruct(without(complete, lost)))).toEqual(hex(complete));
  });

  it.each(KERNELS)('refuses fewer than k shards with the %s kernel', (kernel) => {
    const codec = createCodec({ dataShards: 4, parityShards: 2, kernel });
    const data = randomData(4, 16);
    const complete = [...data, ...codec.encode(data)];
    const tooFew = without(complete, [0, 2, 5]);
    expect(() => codec.reconstruct(tooFew)).toThrow(NotEnoughShardsError);
    expect(() => codec.reconstruct(tooFew)).toThrow(
      'cannot reconstruct: 3 shards present, at least 4 needed',
    );
    expect(() => codec.reconstructInto(complete, [0, 2, 5])).toThrow(NotEnoughShardsError);
  });

  it('rejects wrong shapes', () => {
    const codec = createCodec({ dataShards: 4, parityShards: 2 });
    const complete = [...randomData(4, 16), ...randomData(2, 16)];
    expect(() => codec.reconstruct(complete.slice(0, 5))).toThrow(
      'expected 6 shards (data then parity), got 5',
    );
    const uneven = [undefined, ...complete.slice(1, 5), new Uint8Array(15)];
    expect(() => codec.reconstruct(uneven)).toThrow('shard 5 has 15');
    expect(() => codec.reconstructInto(complete, [6])).toThrow(
      'missing index 6 is not a shard index',
    );
  });
});

describe('verify', () => {
  it('accepts a consistent stripe and detects any single flipped bit (property)', () => {
    const flip = stripe
      .filter(({ m, data }) => m > 0 && data[0]!.length > 0)
      .chain((s) =>
        fc.record({
          stripe: fc.constant(s),
          shard: fc.integer({ min: 0, max: s.k + s.m - 1 }),
          offset: fc.integer({ min: 0, max: s.data[0]!.length - 1 }),
          bit: fc.integer({ min: 0, max: 7 }),
        }),
      );
    fc.assert(
      fc.property(flip, ({ stripe: { k, m, data }, shard, offset, bit }) => {
        for (const codec of codecs(k, m)) {
          const complete = [...data, ...codec.encode(data)].map((s) => Uint8Array.from(s));
          expect(codec.verify(complete)).toBe(true);
          complete[shard]![offset]! ^= 1 << bit;
          expect(codec.verify(complete)).toBe(false);
        }
      }),
    );
  });

  it('rejects a stripe with a missing shard or unequal lengths', () => {
    const codec = createCodec({ dataShards: 2, parityShards: 1 });
    expect(() => codec.verify(randomData(2, 4))).toThrow('expected 3 shards');
    expect(() => codec.verify([...randomData(2, 4), new Uint8Array(3)])).toThrow('shard 2 has 3');
  });
});
