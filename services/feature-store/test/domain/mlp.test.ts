import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { accuracy, trainLogisticRegression } from '../../src/domain/logistic-regression.ts';
import { logLoss, predictMlp, trainMlp } from '../../src/domain/mlp.ts';
import { mlpToOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../../src/domain/mlp-onnx.ts';
import { trainFromRows } from '../../src/domain/train-from-rows.ts';

const INPUTS = ['driver_stats:conv_rate', 'driver_stats:acc_rate', 'driver_stats:avg_daily_trips'];

/** The tour's data (tour/chapter.ts): each ride joined to its driver's stats of that day. */
function tourData(): { rows: (number | null)[][]; labels: number[] } {
  const quality = (driver: number, day: number) => 0.5 + 0.4 * Math.sin(driver * 1.7 + day / 5);
  const noise = (i: number) => (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.4;
  const rows: (number | null)[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const driver = i % 200;
    const day = -Math.ceil(1 + ((i * 7919) % 2800) / 100);
    const q = quality(driver, day);
    rows.push([Number(q.toFixed(4)), Number((1 - q / 2).toFixed(4)), Math.round(10 + 20 * q)]);
    labels.push(q + noise(i) > 0.5 ? 1 : 0);
  }
  return { rows, labels };
}

const holdoutSplit = <T>(items: T[]): { train: T[]; holdout: T[] } => ({
  train: items.filter((_, i) => i % 5 !== 4),
  holdout: items.filter((_, i) => i % 5 === 4),
});

function accuracyOf(probabilities: number[], labels: number[]): number {
  return probabilities.filter((p, i) => (p >= 0.5 ? 1 : 0) === labels[i]).length / labels.length;
}

describe('mlp', () => {
  it('lowers the log loss as it trains', () => {
    const { rows, labels } = tourData();
    const losses = [1, 20, 200].map((epochs) =>
      logLoss(predictMlp(trainMlp(INPUTS, rows, labels, { epochs }), rows), labels),
    );
    expect(losses[1]).toBeLessThan(losses[0]!);
    expect(losses[2]).toBeLessThan(losses[1]!);
  });

  it('is at least as accurate as logistic regression on the tour data (holdout)', () => {
    const { rows, labels } = tourData();
    const x = holdoutSplit(rows);
    const y = holdoutSplit(labels);
    const logistic = trainLogisticRegression(INPUTS, x.train, y.train);
    const mlp = trainMlp(INPUTS, x.train, y.train);
    const logisticAccuracy = accuracy(logistic, x.holdout, y.holdout);
    const mlpAccuracy = accuracyOf(predictMlp(mlp, x.holdout), y.holdout);
    expect(mlpAccuracy).toBeGreaterThanOrEqual(logisticAccuracy);
    expect(mlpAccuracy).toBeGreaterThan(0.8);
  });

  it('learns XOR, which no linear model can', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [
      (i % 20) / 20 - 0.5,
      ((i * 7) % 20) / 20 - 0.5,
    ]);
    const labels = rows.map(([a, b]) => (a! * b! > 0 ? 1 : 0));
    const mlp = trainMlp(['v:a', 'v:b'], rows, labels, { epochs: 400 });
    expect(accuracyOf(predictMlp(mlp, rows), labels)).toBeGreaterThan(0.9);
    expect(
      accuracy(trainLogisticRegression(['v:a', 'v:b'], rows, labels), rows, labels),
    ).toBeLessThan(0.7);
  });

  it('exports an ONNX graph that onnxruntime runs to the same probabilities, batched', async () => {
    const { rows, labels } = tourData();
    const mlp = trainMlp(INPUTS, rows.slice(0, 500), labels.slice(0, 500), { epochs: 50 });
    const session = await InferenceSession.create(mlpToOnnx(mlp));
    const batch = rows.slice(0, 64);
    const output = await session.run({
      [ONNX_INPUT]: new Tensor('float32', Float32Array.from(batch.flat() as number[]), [64, 3]),
    });
    expect(output[ONNX_OUTPUT]!.dims).toEqual([64, 1]);
    const expected = predictMlp(mlp, batch);
    Array.from(output[ONNX_OUTPUT]!.data as Float32Array).forEach((p, i) =>
      expect(p).toBeCloseTo(expected[i]!, 5),
    );
  });

  it('trainFromRows with kind mlp returns an ONNX artifact and its holdout accuracy', async () => {
    const { rows, labels } = tourData();
    const records = rows.slice(0, 1000).map((row, i) => ({
      driver_stats__conv_rate: row[0],
      driver_stats__acc_rate: row[1],
      driver_stats__avg_daily_trips: row[2],
      completed: labels[i],
    }));
    const trained = await trainFromRows(records, INPUTS, 'completed', { kind: 'mlp', epochs: 100 });
    expect(trained.model).toMatchObject({
      kind: 'onnx',
      inputs: INPUTS,
      architecture: 'mlp 3-16-8-1',
    });
    expect(trained.metrics).toMatchObject({ train_rows: 800, holdout_rows: 200 });
    expect(trained.metrics.holdout_accuracy).toBeGreaterThan(0.8);
  });
});
