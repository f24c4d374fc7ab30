import { standardization, standardize } from './logistic-regression.ts';
import type { TrainingOptions } from './logistic-regression.ts';

/**
 * A small multilayer perceptron for binary classification: standardized inputs, two ReLU
 * hidden layers, a sigmoid output. Weight matrices are row-major [in][out], as ONNX MatMul
 * takes them, so the same numbers run here (training, tests) and in onnxruntime (serving).
 */
export interface MlpModel {
  kind: 'mlp';
  inputs: string[];
  means: number[];
  scales: number[];
  layers: MlpLayer[];
}

export interface MlpLayer {
  /** [inputs][outputs] */
  weights: number[][];
  bias: number[];
}

export interface MlpTrainingOptions extends TrainingOptions {
  hidden?: [number, number];
  seed?: number;
}

/**
 * Fits the MLP by full-batch gradient descent with Adam on the log loss. Missing inputs are
 * imputed with the column mean, as at serving time. Deterministic for a given seed.
 */
export function trainMlp(
  inputs: string[],
  rows: (number | null)[][],
  labels: number[],
  {
    epochs = 300,
    learningRate = 0.02,
    l2 = 1e-4,
    hidden = [16, 8],
    seed = 1,
  }: MlpTrainingOptions = {},
): MlpModel {
  if (rows.length === 0) throw new Error('cannot train on an empty training set');
  const { means, scales } = standardization(inputs.length, rows);
  const x = rows.map((row) => standardize(row, means, scales));
  const random = mulberry32(seed);
  const sizes = [inputs.length, hidden[0], hidden[1], 1];
  const layers: MlpLayer[] = [];
  for (let l = 0; l < 3; l++) {
    const scale = Math.sqrt(2 / sizes[l]!); // He initialization for ReLU layers
    layers.push({
      weights: matrix(sizes[l]!, sizes[l + 1]!, () => (random() * 2 - 1) * scale),
      bias: new Array<number>(sizes[l + 1]!).fill(0),
    });
  }
  const adam = layers.map((layer) => ({
    mw: matrix(layer.weights.length, layer.bias.length, () => 0),
    vw: matrix(layer.weights.length, layer.bias.length, () => 0),
    mb: layer.bias.map(() => 0),
    vb: layer.bias.map(() => 0),
  }));
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const gradW = layers.map((layer) => matrix(layer.weights.length, layer.bias.length, () => 0));
    const gradB = layers.map((layer) => layer.bias.map(() => 0));
    for (let i = 0; i < x.length; i++) {
      const activations = forward(layers, x[i]!);
      // d(log loss)/d(logit) for a sigmoid output.
      let delta = [activations[3]![0]! - labels[i]!];
      for (let l = 2; l >= 0; l--) {
        const input = activations[l]!;
        for (let a = 0; a < input.length; a++)
          for (let b = 0; b < delta.length; b++) gradW[l]![a]![b]! += input[a]! * delta[b]!;
        for (let b = 0; b < delta.length; b++) gradB[l]![b]! += delta[b]!;
        if (l === 0) break;
        const next: number[] = new Array<number>(input.length).fill(0);
        for (let a = 0; a < input.length; a++) {
          if (input[a]! <= 0) continue; // ReLU derivative
          let sum = 0;
          for (let b = 0; b < delta.length; b++) sum += layers[l]!.weights[a]![b]! * delta[b]!;
          next[a] = sum;
        }
        delta = next;
      }
    }
    const correction1 = 1 - beta1 ** epoch;
    const correction2 = 1 - beta2 ** epoch;
    const step = (value: number, g: number, m: number[], v: number[], k: number): number => {
      m[k] = beta1 * m[k]! + (1 - beta1) * g;
      v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
      return value - (learningRate * (m[k] / correction1)) / (Math.sqrt(v[k] / correction2) + eps);
    };
    layers.forEach((layer, l) => {
      layer.weights.forEach((row, a) => {
        row.forEach((w, b) => {
          const g = gradW[l]![a]![b]! / x.length + l2 * w;
          row[b] = step(w, g, adam[l]!.mw[a]!, adam[l]!.vw[a]!, b);
        });
      });
      layer.bias.forEach((v, b) => {
        layer.bias[b] = step(v, gradB[l]![b]! / x.length, adam[l]!.mb, adam[l]!.vb, b);
      });
    });
  }
  return { kind: 'mlp', inputs, means, scales, layers };
}

/** Probability of the positive class for each row of raw inputs (nulls allowed). */
export function predictMlp(model: MlpModel, rows: (number | null)[][]): number[] {
  return rows.map(
    (row) => forward(model.layers, standardize(row, model.means, model.scales))[3]![0]!,
  );
}

/** Mean log loss: what training minimizes (without the L2 term). */
export function logLoss(probabilities: number[], labels: number[]): number {
  const clip = (p: number): number => Math.min(1 - 1e-12, Math.max(1e-12, p));
  return (
    probabilities.reduce(
      (sum, p, i) =>
        sum - (labels[i]! * Math.log(clip(p)) + (1 - labels[i]!) * Math.log(1 - clip(p))),
      0,
    ) / Math.max(1, probabilities.length)
  );
}

/** Activations of every layer: [input, hidden1, hidden2, [probability]]. */
function forward(layers: MlpLayer[], input: number[]): number[][] {
  const activations = [input];
  let current = input;
  layers.forEach((layer, l) => {
    const out = layer.bias.slice();
    for (let a = 0; a < current.length; a++) {
      const v = current[a]!;
      if (v === 0) continue;
      const row = layer.weights[a]!;
      for (let b = 0; b < out.length; b++) out[b]! += v * row[b]!;
    }
    current = l === layers.length - 1 ? out.map(sigmoid) : out.map((v) => Math.max(0, v));
    activations.push(current);
  });
  return activations;
}

function matrix(rows: number, columns: number, value: () => number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: columns }, value));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
