import type { AgreementLevel, ComparisonVector } from './compare-records.ts';
import { MATCH_FIELDS } from './match-record.ts';
import type { MatchField } from './match-record.ts';

/** P(level | pair), per field, for levels 0, 1, 2. */
export type LevelProbabilities = [number, number, number];

/**
 * A Fellegi-Sunter model: m = P(level | same person), u = P(level | different people), per
 * field, and λ the share of true matches among the candidate pairs (the prior).
 */
export interface MatchModel {
  m: Record<MatchField, LevelProbabilities>;
  u: Record<MatchField, LevelProbabilities>;
  lambda: number;
}

export interface FieldWeight {
  field: MatchField;
  level: AgreementLevel;
  /** log2(m/u) of the observed level: positive is evidence for a match; 0 when missing. */
  weight: number;
}

export interface ScoredPair {
  weight: number;
  /** P(same person | vector) under the model's prior. */
  probability: number;
  fields: FieldWeight[];
}

/** Total match weight of a vector, explained per field. */
export function scoreVector(model: MatchModel, vector: ComparisonVector): ScoredPair {
  const fields = MATCH_FIELDS.map((field): FieldWeight => {
    const level = vector[field];
    if (level === null) return { field, level, weight: 0 };
    return { field, level, weight: Math.log2(model.m[field][level] / model.u[field][level]) };
  });
  const weight = fields.reduce((sum, field) => sum + field.weight, 0);
  return { weight, probability: posterior(model.lambda, weight), fields };
}

function posterior(lambda: number, weight: number): number {
  const priorOdds = lambda / (1 - lambda);
  const odds = priorOdds * 2 ** weight;
  return Number.isFinite(odds) ? odds / (1 + odds) : 1;
}

export type MatchDecision = 'match' | 'review' | 'non-match';

/**
 * Decision thresholds on the match probability: at or above `match` the pair is linked; between
 * `review` and `match` a person looks at it (the clerical-review band); below, nothing happens.
 */
export interface Thresholds {
  match: number;
  review: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { match: 0.97, review: 0.6 };

export function decide(
  score: ScoredPair,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): MatchDecision {
  if (score.probability >= thresholds.match) return 'match';
  return score.probability >= thresholds.review ? 'review' : 'non-match';
}
