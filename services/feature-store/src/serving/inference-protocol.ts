import { InputError } from '@scale-models/errors';
import type { Entity } from '../domain/registry-spec.ts';
import type { LoadedModel } from './loaded-model.ts';
import type { ModelServer, Prediction } from './model-server.ts';

/** A KServe V2 tensor in its JSON form (an answer's data are numbers). */
export interface V2Tensor<Data = unknown> {
  name: string;
  datatype: string;
  shape: number[];
  data: Data[];
}

/** Join key → the request's raw keys, one per entity row. */
export type KeyColumns = Record<string, unknown[]>;

export const OUTPUT_NAME = 'probability';
export const PLATFORM = 'feature-store_logistic-regression';

/**
 * The inputs a model takes: one per join key its features need, INT64 or BYTES (string keys).
 * A model over a composite key, e.g. (user_id, merchant_id), takes both.
 */
function inputsOf(model: LoadedModel): { name: string; datatype: string }[] {
  return model.entities.map(inputOfEntity);
}

function inputOfEntity(entity: Entity): { name: string; datatype: string } {
  return { name: entity.join_key, datatype: entity.value_type === 'int64' ? 'INT64' : 'BYTES' };
}

/**
 * The entity keys of an infer request, by join key. The model's features are fetched online by
 * these keys, so the request names entities, not feature values: one 1-D tensor per join key,
 * all of one length (row i of each is one entity row).
 */
export function keysOfInputs(model: LoadedModel, inputs: V2Tensor[]): KeyColumns {
  const expected = inputsOf(model);
  const names = expected.map((input) => input.name).join(', ');
  const unknown = inputs.find((input) => !expected.some((e) => e.name === input.name));
  if (unknown !== undefined) {
    throw inputError(
      'inference.unknown_input',
      unknown.name,
      '',
      `model ${model.name} takes ${names}; got ${unknown.name}`,
    );
  }
  const columns: KeyColumns = {};
  let rows: number | undefined;
  for (const { name, datatype } of expected) {
    const matching = inputs.filter((input) => input.name === name);
    const input = matching[0];
    if (input === undefined || matching.length > 1) {
      const problem = input === undefined ? 'is missing' : 'is sent twice';
      throw inputError('inference.inputs', name, '', `${name} ${problem}; send each of ${names}`);
    }
    if (input.datatype !== datatype) {
      throw inputError(
        'inference.datatype',
        name,
        '.datatype',
        `${name} must be ${datatype}, got ${input.datatype}`,
      );
    }
    rows ??= input.data.length;
    if (
      input.shape.length !== 1 ||
      input.shape[0] !== input.data.length ||
      input.data.length !== rows
    ) {
      throw inputError('inference.shape', name, '.shape', `${name} must have shape [${rows}]`);
    }
    columns[name] = input.data;
  }
  return columns;
}

function inputError(code: string, input: string, part: string, message: string): InputError {
  return new InputError(code, message, { details: { field: `inputs.${input}${part}` } });
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
    inputs: inputsOf(model).map((input) => ({ ...input, shape: [-1] })),
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
