/** A trained binary classifier over standardized numeric inputs. */
export interface LogisticModel {
  kind: 'logistic-regression';
  /** Feature references, in the order of `weights`. */
  inputs: string[];
  weights: number[];
  bias: number;
  /** Standardization learned from the training set; missing inputs are imputed with the mean. */
  means: number[];
  scales: number[];
}

export interface TrainingOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty on the weights. */
  l2?: number;
}

/**
 * Fits logistic regression by full-batch gradient descent on standardized inputs. Rows may
 * hold nulls (missing or expired features); they are imputed with the column mean, exactly as
 * `predict` does at serving time, so training and serving see the same transformation.
 */
export function trainLogisticRegression(
  inputs: string[],
  rows: (number | null)[][],
  labels: number[],
  { epochs = 300, learningRate = 0.5, l2 = 1e-4 }: TrainingOptions = {},
): LogisticModel {
  if (rows.length === 0) throw new Error('cannot train on an empty training set');
  const { means, scales } = standardization(inputs.length, rows);
  const x = rows.map((row) => standardize(row, means, scales));
  const weights = new Array<number>(inputs.length).fill(0);
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = new Array<number>(inputs.length).fill(0);
    let biasGradient = 0;
    for (let i = 0; i < x.length; i++) {
      const error = sigmoid(dot(weights, x[i]!) + bias) - labels[i]!;
      for (let j = 0; j < weights.length; j++) gradient[j]! += error * x[i]![j]!;
      biasGradient += error;
    }
    for (let j = 0; j < weights.length; j++) {
      weights[j]! -= learningRate * (gradient[j]! / x.length + l2 * weights[j]!);
    }
    bias -= (learningRate * biasGradient) / x.length;
  }
  return { kind: 'logistic-regression', inputs, weights, bias, means, scales };
}

/** Probability of the positive class for each row of raw inputs (nulls allowed). */
export function predict(model: LogisticModel, rows: (number | null)[][]): number[] {
  return rows.map((row) =>
    sigmoid(dot(model.weights, standardize(row, model.means, model.scales)) + model.bias),
  );
}

export function standardization(
  width: number,
  rows: (number | null)[][],
): { means: number[]; scales: number[] } {
  const means: number[] = [];
  const scales: number[] = [];
  for (let j = 0; j < width; j++) {
    const column = rows
      .map((row) => row[j])
      .filter((v): v is number => v !== null && v !== undefined);
    const mean = column.length === 0 ? 0 : column.reduce((a, b) => a + b, 0) / column.length;
    const variance =
      column.length === 0 ? 0 : column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
    means.push(mean);
    scales.push(variance > 0 ? Math.sqrt(variance) : 1);
  }
  return { means, scales };
}

export function standardize(row: (number | null)[], means: number[], scales: number[]): number[] {
  return means.map((mean, j) => ((row[j] ?? mean) - mean) / scales[j]!);
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Share of rows the model classifies right at threshold 0.5. */
export function accuracy(
  model: LogisticModel,
  rows: (number | null)[][],
  labels: number[],
): number {
  const predicted = predict(model, rows);
  return (
    predicted.filter((p, i) => (p >= 0.5 ? 1 : 0) === labels[i]).length / Math.max(1, rows.length)
  );
}
