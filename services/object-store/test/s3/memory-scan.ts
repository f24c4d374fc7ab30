import { compareKeys, type KeyScan, type ScanStart } from '../../src/domain/s3/index.ts';

/** An in-memory `KeyScan` over entries already in listing order, counting what it is asked. */
export interface MemoryScan<E> {
  readonly scan: KeyScan<E>;
  readonly starts: ScanStart[];
  readonly reads: () => number;
}

export function memoryScan<E extends { readonly key: string }>(
  sorted: readonly E[],
): MemoryScan<E> {
  const starts: ScanStart[] = [];
  let reads = 0;
  const scan: KeyScan<E> = async function* (start) {
    starts.push(start);
    let index = firstIndex(sorted, start);
    while (index < sorted.length) {
      reads++;
      yield await Promise.resolve(sorted[index++]!);
    }
  };
  return { scan, starts, reads: () => reads };
}

function firstIndex<E extends { readonly key: string }>(
  sorted: readonly E[],
  start: ScanStart,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const order = compareKeys(sorted[middle]!.key, start.key);
    if (order < 0 || (order === 0 && !start.inclusive)) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function sortKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort(compareKeys);
}

export function objectEntry(key: string, size = 1) {
  return {
    key,
    lastModified: new Date('2026-01-01T00:00:00.000Z'),
    etag: 'd41d8cd98f00b204e9800998ecf8427e',
    size,
  };
}
