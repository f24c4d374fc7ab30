import { candidatePairs } from './blocking.ts';
import { compareRecords } from './compare-records.ts';
import { connectedComponents } from '../graph/connected-components.ts';
import { estimateModel } from './estimate-model.ts';
import { decide, DEFAULT_THRESHOLDS, scoreVector } from './fellegi-sunter.ts';
import type { MatchDecision, MatchModel, ScoredPair, Thresholds } from './fellegi-sunter.ts';
import type { MatchRecord } from './match-record.ts';
import { prepareRecord } from './prepare-record.ts';

export interface PairResult extends ScoredPair {
  a: string;
  b: string;
  decision: MatchDecision;
}

export interface LinkageResult {
  model: MatchModel;
  emIterations: number;
  /** Candidate pairs compared, and all pairs n(n-1)/2 for the blocking efficiency. */
  comparisons: number;
  allPairs: number;
  oversizedBlocks: { key: string; size: number }[];
  matches: PairResult[];
  reviews: PairResult[];
  clusters: string[][];
}

export interface LinkOptions {
  thresholds?: Thresholds;
  defaultCountry?: string;
  maxBlockSize?: number;
  /** A model trained before (incremental runs); estimated from this batch when absent. */
  model?: MatchModel;
}

/**
 * Batch record linkage: block, compare candidate pairs, estimate m/u by EM (unless a model
 * is given), score and classify each pair, cluster the matches.
 */
export function linkRecords(records: MatchRecord[], options: LinkOptions = {}): LinkageResult {
  const prepared = records.map((record) => prepareRecord(record, options.defaultCountry));
  const { pairs, oversizedBlocks } = candidatePairs(prepared, options.maxBlockSize);
  const vectors = pairs.map(([i, j]) => compareRecords(prepared[i]!, prepared[j]!));
  const estimate =
    options.model === undefined ? estimateModel(vectors) : { model: options.model, iterations: 0 };
  const matches: PairResult[] = [];
  const reviews: PairResult[] = [];
  pairs.forEach(([i, j], index) => {
    const score = scoreVector(estimate.model, vectors[index]!);
    const decision = decide(score, options.thresholds ?? DEFAULT_THRESHOLDS);
    if (decision === 'non-match') return;
    const result = { a: records[i]!.id, b: records[j]!.id, decision, ...score };
    (decision === 'match' ? matches : reviews).push(result);
  });
  const n = records.length;
  return {
    model: estimate.model,
    emIterations: estimate.iterations,
    comparisons: pairs.length,
    allPairs: (n * (n - 1)) / 2,
    oversizedBlocks,
    matches,
    reviews,
    clusters: connectedComponents(
      records.map((record) => record.id),
      matches.map(({ a, b }) => [a, b]),
    ),
  };
}
