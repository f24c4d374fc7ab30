import { InputError } from '@scale-models/errors';
import type { LoadedModel } from './loaded-model.ts';
import type { ModelServer, Prediction } from './model-server.ts';

/** A KServe V2 tensor in its JSON form (an answer's data are numbers). */
export interface V2Tensor<Data = unknown> {
  name: string;
  datatype: string;
  shape: number[];
  data: Data[];
}

export const OUTPUT_NAME = 'probability';
export const PLATFORM = 'feature-store_logistic-regression';

/** The one input a model takes: its entity's join key, INT64 or BYTES (string keys). */
function inputOf(model: LoadedModel): { name: string; datatype: string } {
  return {
    name: model.entity.join_key,
    datatype: model.entity.value_type === 'int64' ? 'INT64' : 'BYTES',
  };
}

/**
 * The entity keys of an infer request. The model's features are fetched online by these keys,
 * so the request names entities, not feature values.
 */
export function keysOfInputs(model: LoadedModel, inputs: V2Tensor[]): unknown[] {
  const expected = inputOf(model);
  const unknown = inputs.find((input) => input.name !== expected.name);
  if (unknown !== undefined) {
    throw new InputError(
      'inference.unknown_input',
      `model ${model.name} takes one input, ${expected.name}; got ${unknown.name}`,
      {
        details: { field: `inputs.${unknown.name}` },
      },
    );
  }
  const input = inputs[0];
  if (input === undefined || inputs.length > 1) {
    throw new InputError('inference.inputs', `send exactly one input, ${expected.name}`, {
      details: { field: 'inputs' },
    });
  }
  if (input.datatype !== expected.datatype) {
    throw new InputError(
      'inference.datatype',
      `${expected.name} must be ${expected.datatype}, got ${input.datatype}`,
      {
        details: { field: `inputs.${expected.name}.datatype` },
      },
    );
  }
  if (input.shape.length !== 1 || input.shape[0] !== input.data.length) {
    throw new InputError(
      'inference.shape',
      `${expected.name} must have shape [${input.data.length}]`,
      { details: { field: `inputs.${expected.name}.shape` } },
    );
  }
  return input.data;
}

export function outputsOf(prediction: Prediction): V2Tensor<number>[] {
  return [
    {
      name: OUTPUT_NAME,
      datatype: 'FP64',
      shape: [prediction.probabilities.length],
      data: prediction.probabilities,
    },
  ];
}

export async function metadataOf(server: ModelServer, name: string, version?: number) {
  const model = await server.model(name, version);
  return {
    name,
    versions: server.loadedVersions(name).map(String),
    platform: PLATFORM,
    inputs: [{ ...inputOf(model), shape: [-1] }],
    outputs: [{ name: OUTPUT_NAME, datatype: 'FP64', shape: [-1] }],
  };
}

/** Whether a model (at a version, or behind `champion`) is loaded and servable. */
export async function isModelReady(
  server: ModelServer,
  name: string,
  version?: number,
): Promise<boolean> {
  try {
    await server.model(name, version);
    return true;
  } catch {
    return false;
  }
}
