import { columnOf } from './feature-ref.ts';
import { accuracy, trainLogisticRegression } from './logistic-regression.ts';
import type { LogisticModel } from './logistic-regression.ts';
import { predictMlp, trainMlp } from './mlp.ts';
import type { MlpTrainingOptions } from './mlp.ts';
import { onnxArtifactOf } from './mlp-onnx.ts';
import type { OnnxModel } from './mlp-onnx.ts';
import { histogramOf, quantileEdges } from './population-stability.ts';
import type { Histogram } from './population-stability.ts';

export interface TrainOptions extends MlpTrainingOptions {
  /** `mlp` trains the MLP and returns it as an ONNX artifact. */
  kind?: 'logistic-regression' | 'mlp';
}

export interface TrainedModel {
  model: LogisticModel | OnnxModel;
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
  { kind = 'logistic-regression', ...options }: TrainOptions = {},
): Promise<TrainedModel> {
  const train: { x: (number | null)[][]; y: number[] } = { x: [], y: [] };
  const holdout: { x: (number | null)[][]; y: number[] } = { x: [], y: [] };
  let index = 0;
  for await (const row of rows) {
    const target = index++ % 5 === 4 ? holdout : train;
    target.x.push(refs.map((ref) => numberOf(row[columnOf(ref)])));
    target.y.push(Number(row[label]) > 0 ? 1 : 0);
  }
  let model: LogisticModel | OnnxModel;
  let holdoutAccuracy: number;
  if (kind === 'mlp') {
    const mlp = trainMlp(refs, train.x, train.y, options);
    model = onnxArtifactOf(mlp);
    const predicted = predictMlp(mlp, holdout.x);
    holdoutAccuracy =
      predicted.filter((p, i) => (p >= 0.5 ? 1 : 0) === holdout.y[i]).length /
      Math.max(1, holdout.y.length);
  } else {
    const logistic = trainLogisticRegression(refs, train.x, train.y, options);
    model = logistic;
    holdoutAccuracy = accuracy(logistic, holdout.x, holdout.y);
  }
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
      holdout_accuracy: holdoutAccuracy,
    },
    feature_stats,
  };
}

function numberOf(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
