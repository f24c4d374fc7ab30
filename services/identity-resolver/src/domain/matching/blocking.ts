import type { PreparedRecord } from './prepare-record.ts';

/**
 * Blocking keys: only records sharing at least one key are compared. Several keys, each
 * robust to a different corruption, so one typo cannot hide a true pair from all of them.
 */
export function blockingKeys(record: PreparedRecord): string[] {
  const keys: string[] = [];
  const year = record.birthDate.slice(0, 4);
  if (record.lastName !== '' && year !== '')
    keys.push(`ln-year:${record.lastName.slice(0, 3)}:${year}`);
  if (record.birthDate !== '' && record.canonicalFirstName !== '') {
    keys.push(`dob-fi:${record.birthDate}:${record.canonicalFirstName[0]}`);
  }
  if (record.zip !== '' && record.lastName !== '')
    keys.push(`zip-li:${record.zip}:${record.lastName[0]}`);
  // The whole normalized street (number and name): a move-free person keeps it through typos
  // in every other field, as FEBRL's duplicates show.
  if (record.street !== '') keys.push(`street:${record.street}`);
  if (record.email !== '') keys.push(`email:${record.email}`);
  if (record.phone !== '') keys.push(`phone:${record.phone}`);
  if (record.lastName !== '' && record.canonicalFirstName !== '') {
    keys.push(`name:${record.canonicalFirstName.slice(0, 2)}:${record.lastName.slice(0, 4)}`);
  }
  return keys;
}

export interface CandidatePairs {
  /** Index pairs [i, j] with i < j, each once however many keys they share. */
  pairs: [number, number][];
  /** Blocks skipped for being larger than the cap (a shared test email, a common name). */
  oversizedBlocks: { key: string; size: number }[];
}

/** Candidate pairs of a batch: pairs within each block, blocks above `maxBlockSize` skipped. */
export function candidatePairs(records: PreparedRecord[], maxBlockSize = 200): CandidatePairs {
  const blocks = new Map<string, number[]>();
  records.forEach((record, index) => {
    for (const key of blockingKeys(record)) {
      const members = blocks.get(key);
      if (members === undefined) blocks.set(key, [index]);
      else members.push(index);
    }
  });
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const oversizedBlocks: CandidatePairs['oversizedBlocks'] = [];
  for (const [key, members] of blocks) {
    if (members.length > maxBlockSize) {
      oversizedBlocks.push({ key, size: members.length });
      continue;
    }
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        // i < j always: members are pushed in index order.
        const id = i * records.length + j;
        if (seen.has(id)) continue;
        seen.add(id);
        pairs.push([i, j]);
      }
    }
  }
  return { pairs, oversizedBlocks };
}
