// Encode and reconstruct throughput of both kernels beside the native @ronomon/reed-solomon
// addon, in one run: `pnpm --filter @scale-models/erasure bench`. Throughput counts data bytes
// (k x shard) per second. On a shared machine other processes only ever slow a round down, so
// implementations take turns in short rounds and each cell is the best round (as timeit does).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import Table from 'cli-table3';
import { createCodec } from '../src/index.ts';
import type { ErasureCodec } from '../src/index.ts';

const SHAPES = [
  [4, 2],
  [8, 4],
  [12, 4],
] as const;
const SHARD_SIZES = [64 * 1024, 1024 * 1024];
const ROUNDS = 15;
const ROUND_MS = 60;
const TARGET_RATIO = 1.5;

type Operation = 'encode' | 'reconstruct';
/** Runs one operation once; resolves when it is done (the native addon is asynchronous). */
type Run = () => void | Promise<void>;

interface Contender {
  name: string;
  prepare(k: number, m: number, data: Uint8Array[]): Promise<Record<Operation, Run>>;
}

interface Sample {
  mbPerSecond: number;
  latenciesMs: number[];
}

/** The subset of @ronomon/reed-solomon's API used here (it ships no types). */
interface NativeAddon {
  create(k: number, m: number): unknown;
  encode(
    context: unknown,
    sources: number,
    targets: number,
    buffer: Buffer,
    bufferOffset: number,
    bufferSize: number,
    parity: Buffer,
    parityOffset: number,
    paritySize: number,
    callback: (error?: Error) => void,
  ): void;
}

function codecContender(name: string, options: { kernel: 'wasm' | 'typescript' }): Contender {
  return {
    name,
    prepare(k, m, data) {
      const codec = createCodec({ dataShards: k, parityShards: m, kernel: options.kernel });
      const parity = codec.encode(data);
      const shards = [...data.map((shard) => Uint8Array.from(shard)), ...parity];
      const lost = Array.from({ length: m }, (_, i) => i);
      checkRebuilt(codec, shards, lost, data);
      return Promise.resolve({
        encode: () => codec.encodeInto(data, parity),
        reconstruct: () => codec.reconstructInto(shards, lost),
      });
    },
  };
}

/** The API the object store calls, which returns new buffers: shows what allocation costs. */
const allocatingContender: Contender = {
  name: 'wasm, new buffers',
  prepare(k, m, data) {
    const codec = createCodec({ dataShards: k, parityShards: m });
    const damaged = [...Array<undefined>(m), ...data.slice(m), ...codec.encode(data)];
    return Promise.resolve({
      encode: () => void codec.encode(data),
      reconstruct: () => void codec.reconstruct(damaged),
    });
  },
};

function nativeContender(addon: NativeAddon): Contender {
  return {
    name: '@ronomon/reed-solomon',
    async prepare(k, m, data) {
      const context = addon.create(k, m);
      const buffer = Buffer.concat(data);
      const parity = Buffer.alloc((buffer.length / k) * m);
      // Shards are named by bit flags: data shards 0..k-1, then parity shards k..k+m-1.
      const allData = (1 << k) - 1;
      const allParity = ((1 << m) - 1) << k;
      const lostData = (1 << m) - 1;
      const run = (sources: number, targets: number) =>
        new Promise<void>((resolve, reject) =>
          addon.encode(
            context,
            sources,
            targets,
            buffer,
            0,
            buffer.length,
            parity,
            0,
            parity.length,
            (e) => (e ? reject(e) : resolve()),
          ),
        );
      await run(allData, allParity);
      buffer.fill(0, 0, (buffer.length / k) * m);
      await run((allData | allParity) & ~lostData, lostData);
      if (!buffer.equals(Buffer.concat(data))) throw new Error('native addon rebuilt wrong bytes');
      return {
        encode: () => run(allData, allParity),
        reconstruct: () => run((allData | allParity) & ~lostData, lostData),
      };
    },
  };
}

function checkRebuilt(
  codec: ErasureCodec,
  shards: Uint8Array[],
  lost: number[],
  data: Uint8Array[],
): void {
  lost.forEach((index) => shards[index]!.fill(0));
  codec.reconstructInto(shards, lost);
  if (!lost.every((index) => Buffer.from(shards[index]!).equals(data[index]!))) {
    throw new Error(`${codec.kernel} kernel rebuilt wrong bytes`);
  }
}

function loadNativeAddon(): NativeAddon | undefined {
  try {
    return createRequire(import.meta.url)('@ronomon/reed-solomon') as NativeAddon;
  } catch (error) {
    console.warn(`@ronomon/reed-solomon is not built here, benching without it: ${String(error)}`);
    return undefined;
  }
}

async function measure(run: Run, bytes: number): Promise<Sample> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  while (performance.now() - start < ROUND_MS || latenciesMs.length < 2) {
    const before = performance.now();
    await run();
    latenciesMs.push(performance.now() - before);
  }
  const seconds = (performance.now() - start) / 1000;
  return { mbPerSecond: (latenciesMs.length * bytes) / seconds / 1e6, latenciesMs };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const addon = loadNativeAddon();
  const contenders = [
    codecContender('typescript', { kernel: 'typescript' }),
    codecContender('wasm', { kernel: 'wasm' }),
    allocatingContender,
    ...(addon ? [nativeContender(addon)] : []),
  ];
  const table = new Table({
    style: { head: [], border: [] },
    head: [
      'operation',
      'k+m',
      'shard',
      ...contenders.map((c) => `${c.name} MB/s`),
      'wasm ÷ native',
      'wasm p50 / p99 ms',
    ],
  });
  const ratios: Record<Operation, number[]> = { encode: [], reconstruct: [] };

  for (const operation of ['encode', 'reconstruct'] as const) {
    for (const [k, m] of SHAPES) {
      for (const size of SHARD_SIZES) {
        const data = Array.from({ length: k }, () => new Uint8Array(randomBytes(size)));
        const runs: Run[] = [];
        for (const contender of contenders)
          runs.push((await contender.prepare(k, m, data))[operation]);
        const samples: Sample[][] = runs.map(() => []);
        for (let round = -1; round < ROUNDS; round++) {
          for (const [index, run] of runs.entries()) {
            const sample = await measure(run, k * size);
            if (round >= 0) samples[index]!.push(sample); // round -1 warms up
          }
        }
        const throughput = samples.map((s) => Math.max(...s.map((x) => x.mbPerSecond)));
        const wasm = throughput[1]!;
        const native = addon ? throughput[3]! : undefined;
        if (native !== undefined) ratios[operation].push(wasm / native);
        const latencies = samples[1]!.flatMap((s) => s.latenciesMs);
        table.push([
          operation,
          `${k}+${m}`,
          size >= 1 << 20 ? `${size >> 20} MiB` : `${size >> 10} KiB`,
          ...throughput.map((mb) => mb.toFixed(0)),
          native === undefined ? 'n/a' : `${(wasm / native).toFixed(2)}x`,
          `${quantile(latencies, 0.5).toFixed(3)} / ${quantile(latencies, 0.99).toFixed(3)}`,
        ]);
      }
    }
  }

  console.log(table.toString());
  console.log(
    `${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ` +
      `best of ${ROUNDS} rounds of ${ROUND_MS} ms per cell, peak RSS ` +
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  for (const operation of ['encode', 'reconstruct'] as const) {
    const values = ratios[operation];
    if (values.length === 0) continue;
    console.log(
      `${operation}: wasm ÷ native from ${Math.min(...values).toFixed(2)}x to ` +
        `${Math.max(...values).toFixed(2)}x (target ${TARGET_RATIO}x encode)`,
    );
  }
}

await main();
