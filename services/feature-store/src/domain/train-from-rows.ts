import { columnOf } from './feature-ref.ts';
import { accuracy, trainLogisticRegression } from './logistic-regression.ts';
import type { LogisticModel, TrainingOptions } from './logistic-regression.ts';
import { histogramOf, quantileEdges } from './population-stability.ts';
import type { Histogram } from './population-stability.ts';

export interface TrainedModel {
  model: LogisticModel;
  metrics: { train_rows: number; holdout_rows: number; holdout_accuracy: number };
  /** Training distribution of each input, for drift checks at serving time. */
  feature_stats: Record<string, Histogram>;
}

/**
 * Trains a classifier on training-set rows (as streamed by the store: `view__feature` columns
 * and a 0/1 label column), holding out every fifth row to measure accuracy.
 */
export async function trainFromRows(
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  refs: string[],
  label: string,
  options?: TrainingOptions,
): Promise<TrainedModel> {
  const train: { x: (number | null)[][]; y: number[] } = { x: [], y: [] };
  const holdout: { x: (number | null)[][]; y: number[] } = { x: [], y: [] };
  let index = 0;
  for await (const row of rows) {
    const target = index++ % 5 === 4 ? holdout : train;
    target.x.push(refs.map((ref) => numberOf(row[columnOf(ref)])));
    target.y.push(Number(row[label]) > 0 ? 1 : 0);
  }
  const model = trainLogisticRegression(refs, train.x, train.y, options);
  const feature_stats = Object.fromEntries(
    refs.map((ref, j) => {
      const values = train.x.map((x) => x[j]).filter((v): v is number => v !== null);
      return [ref, histogramOf(values, quantileEdges(values))];
    }),
  );
  return {
    model,
    metrics: {
      train_rows: train.y.length,
      holdout_rows: holdout.y.length,
      holdout_accuracy: accuracy(model, holdout.x, holdout.y),
    },
    feature_stats,
  };
}

function numberOf(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
