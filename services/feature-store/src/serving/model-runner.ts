import { InferenceSession, Tensor } from 'onnxruntime-node';
import { predict } from '../domain/logistic-regression.ts';
import { ONNX_INPUT, ONNX_OUTPUT } from '../domain/mlp-onnx.ts';
import type { OnnxModel } from '../domain/mlp-onnx.ts';
import { mismatch } from '../domain/model-schema.ts';
import type { ServableModel } from '../domain/model-schema.ts';

/** Runs a whole batch of rows (nulls for missing inputs) in one call. */
export type ModelRunner = (rows: (number | null)[][]) => Promise<number[]>;

/**
 * Makes a model runnable. Logistic regression runs in TypeScript; an ONNX graph is loaded into
 * onnxruntime (CPU) once, and each batch is one `session.run` over a float32 [N, inputs] tensor.
 * A graph that does not load, or whose input or output does not have the model's shape, is
 * refused like any other schema mismatch.
 */
export async function createModelRunner(model: ServableModel): Promise<ModelRunner> {
  if (model.kind === 'logistic-regression') return (rows) => Promise.resolve(predict(model, rows));
  return onnxRunner(model);
}

async function onnxRunner(model: OnnxModel): Promise<ModelRunner> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(Buffer.from(model.onnx, 'base64'), {
      // One intra-op thread: batches already run concurrently (maxConcurrency), and the
      // machine is small; the per-call fixed cost is what batching amortizes.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
  } catch (error) {
    throw mismatch(`the onnx graph does not load: ${(error as Error).message}`, 'onnx');
  }
  const input = session.inputMetadata.find((m) => m.name === ONNX_INPUT);
  const width = model.inputs.length;
  if (
    input === undefined ||
    !input.isTensor ||
    input.type !== 'float32' ||
    input.shape.length !== 2 ||
    input.shape[1] !== width
  ) {
    throw mismatch(
      `the onnx graph needs a float32 input ${ONNX_INPUT} of shape [N, ${width}]`,
      'onnx',
    );
  }
  if (!session.outputNames.includes(ONNX_OUTPUT))
    throw mismatch(`the onnx graph has no output ${ONNX_OUTPUT}`, 'onnx');
  return async (rows) => {
    const data = new Float32Array(rows.length * width);
    rows.forEach((row, i) => {
      for (let j = 0; j < width; j++) data[i * width + j] = row[j] ?? model.means[j]!;
    });
    const output = await session.run({
      [ONNX_INPUT]: new Tensor('float32', data, [rows.length, width]),
    });
    return Array.from(output[ONNX_OUTPUT]!.data as Float32Array);
  };
}
