import { InputError } from '@scale-models/errors';
import type { LogisticModel } from './logistic-regression.ts';
import type { OnnxModel } from './mlp-onnx.ts';
import type { Entity, Registry } from './registry-spec.ts';
import { joinKeysOf, resolveFeatures } from './resolve-features.ts';

const NUMERIC = new Set(['int64', 'float64', 'bool']);

/** The model kinds the inference server runs. */
export type ServableModel = LogisticModel | OnnxModel;

/**
 * Checks, at load time, that a model can be fed by the registry's features: an artifact of a
 * kind we run, whose inputs are existing numeric features whose entities have distinct join keys,
 * the same join keys as the feature service the version was registered with, if any. Returns
 * those entities: the model's inputs are their join keys (several for a composite key). A model
 * that fails this is never served (the previous version keeps serving).
 */
export function checkModelSchema(
  artifact: unknown,
  registry: Registry,
  featureService?: string | null,
): { model: ServableModel; entities: Entity[] } {
  const model = asServableModel(artifact);
  let resolved;
  try {
    resolved = resolveFeatures(registry, { features: model.inputs });
  } catch (error) {
    throw mismatch(`its inputs do not match the registry: ${(error as Error).message}`, 'inputs');
  }
  for (const { view, features } of resolved.views) {
    for (const feature of features) {
      if (!NUMERIC.has(feature.dtype))
        throw mismatch(
          `input ${view.name}:${feature.name} is ${feature.dtype}, not numeric`,
          'inputs',
        );
    }
  }
  let entities;
  try {
    entities = joinKeysOf(resolved);
  } catch (error) {
    throw mismatch((error as Error).message, 'inputs');
  }
  if (featureService != null) checkServiceKeys(registry, featureService, entities);
  return { model, entities };
}

/** A version registered for a feature service is sent that service's keys: the model needs them all. */
function checkServiceKeys(registry: Registry, featureService: string, entities: Entity[]): void {
  let needed: string[];
  try {
    needed = joinKeysOf(resolveFeatures(registry, { feature_service: featureService })).map(
      (entity) => entity.join_key,
    );
  } catch (error) {
    throw mismatch((error as Error).message, 'feature_service');
  }
  const keys = entities.map((entity) => entity.join_key);
  if (keys.length !== needed.length || needed.some((key) => !keys.includes(key))) {
    throw mismatch(
      `its inputs need the keys ${keys.join(', ')}; feature service ${featureService} needs ${needed.join(', ')}`,
      'feature_service',
    );
  }
}

function asServableModel(artifact: unknown): ServableModel {
  const kind = (artifact as { kind?: unknown } | null)?.kind;
  if (kind === 'onnx') return asOnnxModel(artifact as Partial<OnnxModel>);
  if (kind !== 'logistic-regression')
    throw mismatch('the artifact is neither a logistic-regression nor an onnx model', 'kind');
  const model = artifact as Partial<LogisticModel>;
  const width = model.inputs?.length ?? 0;
  const vectors = [model.weights, model.means, model.scales];
  if (
    width === 0 ||
    vectors.some(
      (v) => !Array.isArray(v) || v.length !== width || v.some((x) => !Number.isFinite(x)),
    ) ||
    !Number.isFinite(model.bias)
  ) {
    throw mismatch('weights, means and scales must be finite numbers, one per input', 'weights');
  }
  return model as LogisticModel;
}

/** The graph itself is checked when the runtime loads it (`serving/model-runner.ts`). */
function asOnnxModel(model: Partial<OnnxModel>): OnnxModel {
  const width = model.inputs?.length ?? 0;
  if (
    width === 0 ||
    !Array.isArray(model.means) ||
    model.means.length !== width ||
    model.means.some((x) => !Number.isFinite(x))
  ) {
    throw mismatch('means must be finite numbers, one per input', 'means');
  }
  if (typeof model.onnx !== 'string' || model.onnx.length === 0)
    throw mismatch('the onnx graph (base64) is missing', 'onnx');
  return model as OnnxModel;
}

export function mismatch(why: string, field: string): InputError {
  return new InputError('model.schema_mismatch', `model refused at load: ${why}`, {
    details: { field },
  });
}
