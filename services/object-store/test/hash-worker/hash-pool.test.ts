import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashPool, HashWorkerError } from '../../src/adapters/hash-worker/index.ts';
import type { HashPool, HashStream } from '../../src/adapters/hash-worker/index.ts';
import { createMultiHasher } from '../../src/domain/checksums/index.ts';
import type { HashName } from '../../src/domain/checksums/index.ts';

const KiB = 1024;
const ALL: HashName[] = ['MD5', 'SHA1', 'SHA256', 'CRC32', 'CRC32C'];
const CRASHING_THREAD = new URL('./fixtures/crashing-hash-thread.ts', import.meta.url);

/** What the same hashers give on this thread: the reference the pool must match. */
function inThread(names: Iterable<HashName>, data: Uint8Array): ReadonlyMap<HashName, Buffer> {
  const hasher = createMultiHasher(names);
  hasher.update(data);
  return hasher.digests();
}

function piecesOf(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => data.subarray(start, [...points, data.length][i]));
}

let pool: HashPool;

beforeAll(() => {
  // Small batches and limit, so short inputs cross batch boundaries and hit the limit.
  pool = createHashPool({ size: 2, batchBytes: 4 * KiB, maxOutstandingBytes: 16 * KiB });
});

afterAll(async () => {
  await pool.close();
});

describe('hash pool', () => {
  it('gives the digests of in-thread hashing however the body is chunked (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(ALL, { minLength: 1 }),
        fc.uint8Array({ maxLength: 40 * KiB }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (names, data, cuts) => {
          const stream = pool.open(names);
          for (const piece of piecesOf(data, cuts)) await stream.update(piece);
          expect(await stream.digests()).toEqual(inThread(names, data));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hashes a copy: chunks may be views of a larger buffer, reused as soon as update returns', async () => {
    const backing = randomBytes(100 * KiB);
    const body = backing.subarray(17, 17 + 60 * KiB);
    const expected = inThread(['MD5', 'CRC32C'], body);
    const stream = pool.open(['MD5', 'CRC32C']);
    for (let at = 0; at < body.length; at += 5000) {
      const chunk = body.subarray(at, at + 5000);
      await stream.update(chunk);
      chunk.fill(0); // as a socket reusing its buffer would
    }
    expect(await stream.digests()).toEqual(expected);
  });

  it('goes on without waiting while the thread is under the limit behind', async () => {
    const stream = pool.open(['MD5']);
    await stream.update(randomBytes(12 * KiB));
    // Acknowledgements arrive as messages, never within an update: nothing has been waited for.
    expect(stream.outstandingBytes).toBe(12 * KiB);
    await stream.digests();
  });

  it('never holds more than the limit and a batch for a thread slower than its producer', async () => {
    const stream = pool.open(['MD5', 'SHA256']);
    const data = randomBytes(2048 * KiB);
    let peak = 0;
    for (let at = 0; at < data.length; at += 3 * KiB) {
      await stream.update(data.subarray(at, at + 3 * KiB));
      peak = Math.max(peak, stream.outstandingBytes);
    }
    expect(peak).toBeLessThanOrEqual(16 * KiB + 4 * KiB);
    expect(await stream.digests()).toEqual(inThread(['MD5', 'SHA256'], data));
  });

  it('keeps many concurrent streams apart', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => randomBytes(1 + i * 997));
    const streams = bodies.map(() => pool.open(ALL));
    // Interleaved, a piece of each stream in turn, as concurrent uploads arrive.
    for (let at = 0; at < bodies.at(-1)!.length; at += 1500) {
      await Promise.all(bodies.map((body, i) => streams[i]!.update(body.subarray(at, at + 1500))));
    }
    const digests = await Promise.all(streams.map((stream) => stream.digests()));
    digests.forEach((digest, i) => expect(digest).toEqual(inThread(ALL, bodies[i]!)));
  });

  it('forgets an aborted stream and keeps serving the others', async () => {
    const aborted = pool.open(['MD5']);
    await aborted.update(randomBytes(10 * KiB));
    aborted.abort();
    const body = randomBytes(10 * KiB);
    const stream = pool.open(['MD5']);
    await stream.update(body);
    expect(await stream.digests()).toEqual(inThread(['MD5'], body));
    await expect(aborted.update(body)).rejects.toThrow('after digests() or abort()');
  });
});

describe('a hash thread that dies', () => {
  const crash = Buffer.from('CRASH');

  async function expectFailed(stream: HashStream): Promise<void> {
    await expect(stream.digests()).rejects.toBeInstanceOf(HashWorkerError);
  }

  it('fails every stream it held, with HashWorkerError instead of a hang', async () => {
    const crashing = createHashPool({ size: 1, script: CRASHING_THREAD, batchBytes: 5 });
    try {
      const bystander = crashing.open(['MD5']);
      await bystander.update(randomBytes(5));
      const victim = crashing.open(['MD5']);
      await victim.update(crash);
      await expectFailed(victim);
      await expectFailed(bystander);
      await expect(bystander.update(randomBytes(5))).rejects.toBeInstanceOf(HashWorkerError);
    } finally {
      await crashing.close();
    }
  });

  it('releases a producer waiting on the limit', async () => {
    const crashing = createHashPool({
      size: 1,
      script: CRASHING_THREAD,
      batchBytes: 5,
      maxOutstandingBytes: 0,
    });
    try {
      const stream = crashing.open(['MD5']);
      await expect(stream.update(crash)).rejects.toBeInstanceOf(HashWorkerError);
    } finally {
      await crashing.close();
    }
  });

  it('is replaced for the streams opened after it', async () => {
    const crashing = createHashPool({ size: 1, script: CRASHING_THREAD, batchBytes: 5 });
    try {
      const victim = crashing.open(['MD5']);
      await victim.update(crash);
      await expectFailed(victim);
      const body = randomBytes(1000);
      const next = crashing.open(['MD5']);
      await next.update(body);
      expect(await next.digests()).toEqual(inThread(['MD5'], body));
    } finally {
      await crashing.close();
    }
  });

  it('a closed pool fails its open streams and refuses new ones', async () => {
    const closing = createHashPool({ size: 1 });
    const stream = closing.open(['MD5']);
    await stream.update(randomBytes(100));
    await closing.close();
    await expectFailed(stream);
    expect(() => closing.open(['MD5'])).toThrow(HashWorkerError);
  });
});
