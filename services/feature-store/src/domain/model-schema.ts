import { InputError } from '@scale-models/errors';
import type { LogisticModel } from './logistic-regression.ts';
import type { Entity, Registry } from './registry-spec.ts';
import { resolveFeatures, singleEntityOf } from './resolve-features.ts';

const NUMERIC = new Set(['int64', 'float64', 'bool']);

/**
 * Checks, at load time, that a model can be fed by the registry's features: an artifact of a
 * kind we run, whose inputs are existing numeric features of one entity. Returns that entity.
 * A model that fails this is never served (the previous version keeps serving).
 */
export function checkModelSchema(
  artifact: unknown,
  registry: Registry,
): { model: LogisticModel; entity: Entity } {
  const model = asLogisticModel(artifact);
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
  try {
    return { model, entity: singleEntityOf(resolved) };
  } catch (error) {
    throw mismatch((error as Error).message, 'inputs');
  }
}

function asLogisticModel(artifact: unknown): LogisticModel {
  const model = artifact as Partial<LogisticModel> | null;
  if (model?.kind !== 'logistic-regression')
    throw mismatch('the artifact is not a logistic-regression model', 'kind');
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

function mismatch(why: string, field: string): InputError {
  return new InputError('model.schema_mismatch', `model refused at load: ${why}`, {
    details: { field },
  });
}
