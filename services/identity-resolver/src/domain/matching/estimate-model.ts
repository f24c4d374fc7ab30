import type { ComparisonVector } from './compare-records.ts';
import type { LevelProbabilities, MatchModel } from './fellegi-sunter.ts';
import { MATCH_FIELDS } from './match-record.ts';
import type { MatchField } from './match-record.ts';

export interface EstimateOptions {
  maxIterations?: number;
  /** Stop when no parameter moves by more than this. */
  tolerance?: number;
}

export interface Estimate {
  model: MatchModel;
  iterations: number;
  converged: boolean;
}

/** Distinct vectors and how often each occurs: EM over patterns, not pairs. */
interface Pattern {
  vector: ComparisonVector;
  count: number;
}

// Far from 0 and 1 so a level never seen in one class does not become infinite evidence.
const FLOOR = 1e-4;

/**
 * Estimates m, u and λ by expectation-maximisation over unlabelled candidate pairs, assuming
 * fields agree independently given the class (the Fellegi-Sunter assumption). Starts from
 * "matches mostly agree, non-matches mostly do not" so the two classes cannot swap.
 */
export function estimateModel(
  vectors: ComparisonVector[],
  options: EstimateOptions = {},
): Estimate {
  const { maxIterations = 200, tolerance = 1e-6 } = options;
  const patterns = toPatterns(vectors);
  let model = initialModel();
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const next = maximise(patterns, expect(model, patterns));
    const moved = largestChange(model, next);
    model = next;
    if (moved < tolerance) return { model, iterations: iteration, converged: true };
  }
  return { model, iterations: maxIterations, converged: false };
}

function toPatterns(vectors: ComparisonVector[]): Pattern[] {
  const byKey = new Map<string, Pattern>();
  for (const vector of vectors) {
    const key = MATCH_FIELDS.map((field) => vector[field] ?? '-').join('');
    const pattern = byKey.get(key);
    if (pattern === undefined) byKey.set(key, { vector, count: 1 });
    else pattern.count++;
  }
  return [...byKey.values()];
}

function initialModel(): MatchModel {
  const m = {} as Record<MatchField, LevelProbabilities>;
  const u = {} as Record<MatchField, LevelProbabilities>;
  for (const field of MATCH_FIELDS) {
    m[field] = [0.1, 0.2, 0.7];
    u[field] = [0.7, 0.2, 0.1];
  }
  return { m, u, lambda: 0.1 };
}

/** E-step: the probability that each pattern is a match under the current model. */
function expect(model: MatchModel, patterns: Pattern[]): number[] {
  return patterns.map(({ vector }) => {
    let match = model.lambda;
    let nonMatch = 1 - model.lambda;
    for (const field of MATCH_FIELDS) {
      const level = vector[field];
      if (level === null) continue;
      match *= model.m[field][level];
      nonMatch *= model.u[field][level];
    }
    return match / (match + nonMatch);
  });
}

/** M-step: parameters as the expected frequencies, missing values left out per field. */
function maximise(patterns: Pattern[], matchProbability: number[]): MatchModel {
  const m = {} as Record<MatchField, LevelProbabilities>;
  const u = {} as Record<MatchField, LevelProbabilities>;
  let matches = 0;
  let total = 0;
  patterns.forEach(({ count }, i) => {
    matches += count * matchProbability[i]!;
    total += count;
  });
  for (const field of MATCH_FIELDS) {
    const mCounts: LevelProbabilities = [0, 0, 0];
    const uCounts: LevelProbabilities = [0, 0, 0];
    patterns.forEach(({ vector, count }, i) => {
      const level = vector[field];
      if (level === null) return;
      mCounts[level] += count * matchProbability[i]!;
      uCounts[level] += count * (1 - matchProbability[i]!);
    });
    m[field] = normalise(mCounts);
    u[field] = normalise(uCounts);
  }
  return { m, u, lambda: clamp(matches / total) };
}

function normalise(counts: LevelProbabilities): LevelProbabilities {
  const sum = counts[0] + counts[1] + counts[2];
  if (sum === 0) return [1 / 3, 1 / 3, 1 / 3];
  const floored = counts.map((count) => Math.max(FLOOR, count / sum));
  const flooredSum = floored[0]! + floored[1]! + floored[2]!;
  return [floored[0]! / flooredSum, floored[1]! / flooredSum, floored[2]! / flooredSum];
}

const clamp = (p: number) => Math.min(1 - FLOOR, Math.max(FLOOR, p));

function largestChange(a: MatchModel, b: MatchModel): number {
  let largest = Math.abs(a.lambda - b.lambda);
  for (const field of MATCH_FIELDS) {
    for (let level = 0; level < 3; level++) {
      largest = Math.max(
        largest,
        Math.abs(a.m[field][level]! - b.m[field][level]!),
        Math.abs(a.u[field][level]! - b.u[field][level]!),
      );
    }
  }
  return largest;
}
