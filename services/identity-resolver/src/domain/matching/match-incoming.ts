import { compareRecords } from './compare-records.ts';
import { decide, DEFAULT_THRESHOLDS, scoreVector } from './fellegi-sunter.ts';
import type { MatchModel, Thresholds } from './fellegi-sunter.ts';
import type { PairResult } from './link-records.ts';
import type { MatchRecord } from './match-record.ts';
import { prepareRecord } from './prepare-record.ts';

/**
 * Incremental mode: one new record scored against the stored records that share a blocking
 * key with it, under a model trained on an earlier batch. Best candidate first.
 */
export function matchIncoming(
  record: MatchRecord,
  candidates: MatchRecord[],
  model: MatchModel,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
  defaultCountry = 'US',
): PairResult[] {
  const incoming = prepareRecord(record, defaultCountry);
  return candidates
    .filter((candidate) => candidate.id !== record.id)
    .map((candidate) => {
      const score = scoreVector(
        model,
        compareRecords(incoming, prepareRecord(candidate, defaultCountry)),
      );
      return { a: record.id, b: candidate.id, decision: decide(score, thresholds), ...score };
    })
    .sort((x, y) => y.weight - x.weight);
}
